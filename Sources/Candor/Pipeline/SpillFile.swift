import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An unlinked temporary file in the temporary directory (`TMPDIR`): its name is removed
/// at once, so the space is freed when it is closed or the process ends, however it ends
/// (a killed scheduler job leaves nothing behind). Written first, then read back from the
/// start; the values-alignment rows and the spilled id hashes use it.
final class SpillFile: @unchecked Sendable {
  private let handle: UnsafeMutablePointer<FILE>

  /// nil when no file can be made in `directory` (default the temporary directory): the
  /// caller keeps its data in memory or reads the export again instead.
  init?(prefix: String = "candor-rows", directory: String? = nil) {
    let dir = directory ?? FileManager.default.temporaryDirectory.path
    var template = Array((dir + "/\(prefix)-XXXXXX").utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard fd >= 0 else { return nil }
    template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    guard let h = fdopen(fd, "w+b") else { close(fd); return nil }
    handle = h
  }

  deinit { fclose(handle) }

  /// Appends `bytes`; false when they were not all written (a full disk).
  func write(_ bytes: UnsafeRawBufferPointer) -> Bool {
    bytes.isEmpty || fwrite(bytes.baseAddress, 1, bytes.count, handle) == bytes.count
  }

  /// Flushes, and moves to the start for reading.
  func rewind() {
    fflush(handle)
    Glibc.rewind(handle)
  }

  /// Reads up to `count` bytes into `buffer`; the number read.
  func read(into buffer: UnsafeMutableRawBufferPointer, count: Int) -> Int {
    fread(buffer.baseAddress, 1, min(count, buffer.count), handle)
  }

  /// Writes out what is buffered, so ``read(at:into:)`` sees every byte written; false when
  /// that fails (a full disk).
  @discardableResult
  func flush() -> Bool { fflush(handle) == 0 }

  /// Fills `buffer` from byte `offset` of the file (pread(2): no shared position, so
  /// several threads may read at once); the number of bytes read. After ``flush()``.
  func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) -> Int {
    let fd = fileno(handle)
    var done = 0
    while done < buffer.count {
      let got = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
      if got < 0 && errno == EINTR { continue }
      if got <= 0 { break }
      done += got
    }
    return done
  }
}
