import CandorReport
import Foundation
import Testing

@Suite struct SHA256Tests {
  // FIPS 180-4 / NIST CSRC example values.
  @Test func knownVectors() {
    #expect(SHA256.hex(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(SHA256.hex(of: [UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(SHA256.hex(of: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
      == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
  }

  @Test func oneMillionAs() {
    // NIST: SHA-256 of 1,000,000 repetitions of "a" (also `head -c 1000000 /dev/zero | tr '\0' a | sha256sum`).
    let bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
    var h = SHA256()
    bytes.withUnsafeBytes { h.update($0) }
    #expect(h.hexDigest() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }

  /// 1 MiB of bytes (i·31 + 7) mod 251; expected value from `sha256sum` (and Python hashlib).
  static func mebibyte() -> [UInt8] { (0..<(1 << 20)).map { UInt8((($0 &* 31) &+ 7) % 251) } }

  @Test func oneMebibyteMatchesSha256sumInAnyChunking() throws {
    let bytes = Self.mebibyte()
    let expected = "1c59b8670027384143781a8a8bff2f3b44bd8818d0f53b13b064c2375a1afe38"
    #expect(SHA256.hex(of: bytes) == expected)
    // Odd chunk sizes through the buffered path must agree.
    var h = SHA256()
    var i = 0
    var step = 1
    while i < bytes.count {
      let end = min(i + step, bytes.count)
      bytes[i..<end].withUnsafeBytes { h.update($0) }
      i = end
      step = step * 3 % 1000 + 1
    }
    #expect(h.hexDigest() == expected)

    let path = FileManager.default.temporaryDirectory.appendingPathComponent("candor-sha-\(UUID().uuidString).bin").path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let digest = try fileDigest(path: path)
    #expect(digest.bytes == 1 << 20)
    #expect(digest.sha256 == expected)
    // And against the system tool when present.
    if FileManager.default.isExecutableFile(atPath: "/usr/bin/sha256sum") {
      let p = Process()
      p.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
      p.arguments = [path]
      let pipe = Pipe()
      p.standardOutput = pipe
      try p.run()
      let out = pipe.fileHandleForReading.readDataToEndOfFile()
      p.waitUntilExit()
      #expect(String(decoding: out, as: UTF8.self).hasPrefix(expected))
    }
  }

  /// Digests computed on the background thread equal the direct ones; `finish()` stops a
  /// thread that is still hashing and returns once it has ended.
  @Test func backgroundDigestsMatchAndFinishStopsTheThread() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("candor-digests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let small = dir.appendingPathComponent("small.csv"), large = dir.appendingPathComponent("large.bin")
    try Data("a,b\n1,2\n".utf8).write(to: small)
    try Data(repeating: 7, count: 24 << 20).write(to: large)
    let digests = FileDigests(paths: [small.path, large.path])
    let got = try #require(try digests.digest(path: small.path))
    let direct = try fileDigest(path: small.path)
    #expect(got.bytes == direct.bytes && got.sha256 == direct.sha256)
    #expect(try digests.digest(path: "/not/one/of/them") == nil)
    digests.finish()  // the 24 MiB file may be half hashed: finish waits, then returns
    let again = FileDigests(paths: [large.path])
    #expect(try again.digest(path: large.path)?.sha256 == (try fileDigest(path: large.path)).sha256)
    again.finish()
  }

  /// A fed file's digest is the fed bytes' once the feed saw the end; a feed that did not
  /// (its reader stopped early, or never fed it) is hashed again from disk, so a digest
  /// always covers the whole file; files not fed are hashed on the background thread.
  @Test func fedDigestsCoverTheWholeFile() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("candor-fed-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let a = dir.appendingPathComponent("a.csv"), b = dir.appendingPathComponent("b.csv")
    let c = dir.appendingPathComponent("c.bin")
    let bytes = Array("id,x\n1,2\n3,4\n".utf8)
    try Data(bytes).write(to: a)
    try Data(bytes).write(to: b)
    try Data(repeating: 9, count: 3 << 20).write(to: c)
    let digests = FileDigests(paths: [a.path, b.path, c.path], fed: [a.path, b.path])
    defer { digests.finish() }
    #expect(digests.feed(for: c.path) == nil)
    let feedA = try #require(digests.feed(for: a.path)), feedB = try #require(digests.feed(for: b.path))
    bytes.withUnsafeBytes { all in
      feedA.update(UnsafeRawBufferPointer(rebasing: all[0..<5]))
      feedA.update(UnsafeRawBufferPointer(rebasing: all[5...]))
      feedB.update(UnsafeRawBufferPointer(rebasing: all[0..<5]))  // stopped early: no end
    }
    #expect(feedA.digest == nil)
    feedA.finishFile()
    bytes.withUnsafeBytes { feedA.update($0) }  // after the end: ignored
    let direct = try fileDigest(path: a.path)
    #expect(try digests.digest(path: a.path).map { [String($0.bytes), $0.sha256] } == [String(direct.bytes), direct.sha256])
    #expect(try digests.digest(path: b.path)?.sha256 == direct.sha256)
    #expect(try digests.digest(path: b.path)?.bytes == bytes.count)
    #expect(try digests.digest(path: c.path)?.sha256 == (try fileDigest(path: c.path)).sha256)
  }

  /// A file over several 1 MB read chunks with a partial last one, and an empty file,
  /// digest as the bytes streamed through ``SHA256`` do.
  @Test func chunkedReadsDigestAsTheStreamedBytes() throws {
    var state: UInt64 = 0x2545_F491_4F6C_DD1D
    let count = 3 * (1 << 20) + 12_345
    var bytes = [UInt8](repeating: 0, count: count)
    for i in bytes.indices {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      bytes[i] = UInt8(truncatingIfNeeded: state >> 56)
    }
    var h = SHA256()
    bytes.withUnsafeBytes { h.update($0) }
    let dir = FileManager.default.temporaryDirectory
    let path = dir.appendingPathComponent("candor-sha-windows-\(UUID().uuidString).bin").path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let digest = try fileDigest(path: path)
    #expect(digest.bytes == count && digest.sha256 == h.hexDigest())
    let empty = dir.appendingPathComponent("candor-sha-empty-\(UUID().uuidString).csv").path
    try Data().write(to: URL(fileURLWithPath: empty))
    defer { try? FileManager.default.removeItem(atPath: empty) }
    let none = try fileDigest(path: empty)
    #expect(none.bytes == 0 && none.sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
  }
}
