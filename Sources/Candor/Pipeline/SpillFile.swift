import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An unlinked temporary file in the temporary directory (`TMPDIR`): its name is removed
/// at once, so the space is freed when it is closed or the process ends, however it ends
/// (a killed scheduler job leaves nothing behind). Written first, then read back from the
/// start; the values-alignment rows and the spilled id hashes use it.
final class SpillFile: @unchecked Sendable {
  /// nil once ``closeInBackground()`` has taken it.
  private var handle: UnsafeMutablePointer<FILE>?

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

  deinit { if let handle { fclose(handle) } }

  /// Closes the file on another thread, for a caller done with it: closing an unlinked file
  /// frees its pages (~10 ms for 108 MB), which the report need not wait for. Reads and
  /// writes after it fail. Call it when no other thread uses the file.
  func closeInBackground() {
    guard let h = handle else { return }
    handle = nil
    let file = UncheckedFile(pointer: h)
    Thread.detachNewThread { fclose(file.pointer) }
  }

  private struct UncheckedFile: @unchecked Sendable { let pointer: UnsafeMutablePointer<FILE> }

  /// Appends `bytes`; false when they were not all written (a full disk).
  func write(_ bytes: UnsafeRawBufferPointer) -> Bool {
    guard let handle else { return false }
    return bytes.isEmpty || fwrite(bytes.baseAddress, 1, bytes.count, handle) == bytes.count
  }

  /// Flushes, and moves to the start for reading.
  func rewind() {
    guard let handle else { return }
    fflush(handle)
    Glibc.rewind(handle)
  }

  /// Reads up to `count` bytes into `buffer`; the number read.
  func read(into buffer: UnsafeMutableRawBufferPointer, count: Int) -> Int {
    guard let handle else { return 0 }
    return fread(buffer.baseAddress, 1, min(count, buffer.count), handle)
  }

  /// Writes out what is buffered, so ``read(at:into:)`` sees every byte written; false when
  /// that fails (a full disk).
  @discardableResult
  func flush() -> Bool { handle.map { fflush($0) == 0 } ?? false }

  /// Fills `buffer` from byte `offset` of the file (pread(2): no shared position, so
  /// several threads may read at once); the number of bytes read. After ``flush()``.
  func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) -> Int {
    guard let handle else { return 0 }
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
