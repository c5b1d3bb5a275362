import Foundation

/// The outcome of running a command-line program.
public struct ProcessResult: Sendable {
  public var status: Int32
  public var stdout: String
  public var stderr: String
}

/// Runs `executable` with `arguments`, draining stdout and stderr while the
/// process runs (reading only after `waitUntilExit` deadlocks on outputs larger
/// than the pipe buffer).
public func runProcess(_ executable: URL, _ arguments: [String], currentDirectory: URL? = nil,
                       environment: [String: String]? = nil) throws -> ProcessResult {
  let process = Process()
  process.executableURL = executable
  process.arguments = arguments
  if let currentDirectory { process.currentDirectoryURL = currentDirectory }
  if let environment { process.environment = environment }
  let out = Pipe(), err = Pipe()
  process.standardOutput = out
  process.standardError = err
  process.standardInput = FileHandle.nullDevice
  let outData = LockedData(), errData = LockedData()
  let group = DispatchGroup()
  for (pipe, sink) in [(out, outData), (err, errData)] {
    group.enter()
    DispatchQueue.global().async {
      sink.set(pipe.fileHandleForReading.readDataToEndOfFile())
      group.leave()
    }
  }
  try process.run()
  process.waitUntilExit()
  group.wait()
  return ProcessResult(status: process.terminationStatus,
                       stdout: String(decoding: outData.get(), as: UTF8.self),
                       stderr: String(decoding: errData.get(), as: UTF8.self))
}

private final class LockedData: @unchecked Sendable {
  private var data = Data()
  private let lock = NSLock()
  func set(_ d: Data) { lock.lock(); data = d; lock.unlock() }
  func get() -> Data { lock.lock(); defer { lock.unlock() }; return data }
}

/// The built `candor` executable next to the test bundle (`.build/<config>/candor`).
public func candorExecutable() -> URL {
  var dir = Bundle.main.bundleURL
  for _ in 0..<4 {
    let candidate = dir.appendingPathComponent("candor")
    if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    dir.deleteLastPathComponent()
  }
  // swift test puts the test bundle in .build/<triple>/<config>/
  return Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("candor")
}

/// The repository root (for shipped datasets), found from this source file's path.
public func repositoryRoot(file: StaticString = #filePath) -> URL {
  var url = URL(fileURLWithPath: "\(file)")
  while url.path != "/" {
    url.deleteLastPathComponent()
    if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
  }
  return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
}
