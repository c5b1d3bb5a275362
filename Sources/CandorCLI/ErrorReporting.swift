import ArgumentParser
import Candor
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The exit-status contract (design.md §5, style.md §9) in one place:
///
/// - 0: success (warnings listed); a broken pipe on stdout (`candor describe big.csv | head`)
///   is a clean exit too;
/// - 1: a data or runtime error — ``ReadError``, ``DecodeError``, ``CodebookError``,
///   ``DuplicateIDError``, ``LinearAlgebraError`` and any other error — printed on stderr as
///   `candor: error: <file>: line L (record R): …`;
/// - 64: a usage error (`ValidationError`; ArgumentParser prints it with the usage line).
///
/// Commands wrap their `run()` body in ``runReportingErrors(file:_:)`` and write results with
/// ``StandardOutput/write(_:)``.
enum ErrorReporting {
  /// Ignores SIGPIPE so a closed pipe surfaces as EPIPE on write (handled as a clean exit).
  static func prepare() {
    signal(SIGPIPE, SIG_IGN)
  }

  /// The lines printed on stderr for `error` (each prefixed `candor: error: `).
  static func messages(for error: any Error, file: String?) -> [String] {
    let prefix = file.map { "\($0): " } ?? ""
    switch error {
    case let e as ReadError: return [e.description]
    case let e as CodebookError:
      return e.problems.filter { $0.severity == .error }.map(\.description)
    case let e as DecodeError: return [prefix + e.description]
    case let e as DuplicateIDError: return [prefix + e.description]
    case let e as LinearAlgebraError: return ["\(e)"]
    case let e as CocoaError:
      // Foundation file errors: name the path and the reason, not the NSError dump.
      let path = e.filePath ?? e.url?.path ?? (e.userInfo[NSURLErrorKey] as? URL)?.path
      let reason: String
      switch e.code {
      case .fileNoSuchFile, .fileReadNoSuchFile: reason = "no such file or folder — check the path (an output folder must exist)"
      case .fileWriteNoPermission, .fileReadNoPermission: reason = "permission denied"
      default:
        reason = (e.underlying as? POSIXError).map { String(cString: strerror($0.code.rawValue)) } ?? e.localizedDescription
      }
      return [path.map { "\($0): \(reason)" } ?? reason]
    case let e as CustomStringConvertible: return [e.description]
    default: return [String(describing: error)]
    }
  }
}

/// Thrown by ``StandardOutput/write(_:)`` when the reader of stdout has gone away.
struct BrokenPipe: Error {}

/// Writes to stdout through write(2), so a closed pipe is seen (EPIPE) instead of killing
/// the process or being ignored.
enum StandardOutput {
  static func write(_ text: String) throws {
    var bytes = Array(text.utf8)
    try bytes.withUnsafeMutableBytes { buffer in
      var offset = 0
      while offset < buffer.count {
        #if canImport(Glibc)
        let n = Glibc.write(1, buffer.baseAddress! + offset, buffer.count - offset)
        #else
        let n = Darwin.write(1, buffer.baseAddress! + offset, buffer.count - offset)
        #endif
        if n < 0 {
          if errno == EINTR { continue }
          if errno == EPIPE { throw BrokenPipe() }
          throw CocoaError(.fileWriteUnknown)
        }
        offset += n
      }
    }
  }
}

/// Runs a command body under the exit-status contract: `ValidationError` and `ExitCode`
/// pass through (64 / as given), a broken pipe exits 0, every other error is printed on
/// stderr as `candor: error: …` and exits 1.
///
/// - Parameter file: the data file the command reads, prefixed to errors that carry no file
///   name themselves (``DecodeError``, ``DuplicateIDError``).
func runReportingErrors(file: String? = nil, _ body: () throws -> Void) throws {
  ErrorReporting.prepare()
  do {
    try body()
  } catch let e as ValidationError {
    throw e
  } catch let e as ExitCode {
    throw e
  } catch let e as CleanExit {
    throw e
  } catch is BrokenPipe {
    throw ExitCode.success
  } catch {
    let name = file.map { ($0 as NSString).lastPathComponent }
    var text = ""
    for line in ErrorReporting.messages(for: error, file: name) { text += "candor: error: \(line)\n" }
    FileHandle.standardError.write(Data(text.utf8))
    throw ExitCode.failure
  }
}
