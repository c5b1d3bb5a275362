/// Sees the raw bytes of a text export as the statistics pass reads them, in file order
/// from the first byte (a byte-order mark included), before any transcoding: a run hashes
/// its input for provenance in the same read instead of reading the file a second time
/// (a 155 MB export: one copy of it from the page cache less, ~0.035 CPU-s).
///
/// Only the text reader calls an observer (``TextSurveySource``); `.xlsx` and `.sav`
/// readers never do, so ``reachedEnd()`` is the observer's proof that it saw the whole
/// file: without it, what was observed is not the file.
public protocol RawByteObserver: AnyObject, Sendable {
  /// The next bytes of the file. Called in file order, on the thread that reads.
  func observe(_ bytes: UnsafeRawBufferPointer)
  /// Every byte of the file up to its end was observed (called once).
  func reachedEnd()
}
