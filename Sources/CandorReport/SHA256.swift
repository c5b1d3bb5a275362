internal import CCrypto

/// SHA-256 (FIPS 180-4), incremental, for input-file and codebook hashes in provenance.
///
/// Backed by OpenSSL's libcrypto (`EVP_sha256`, which uses the CPU's SHA instructions where
/// they exist): hashing a 155 MB export costs ~0.1 s instead of ~0.5 s with a portable
/// implementation, and every run hashes its inputs. Feed bytes with `update`, read the
/// digest with `finalize()`. Checked against the FIPS 180-4 examples ("abc", "", the
/// 448-bit message, a million "a") and `sha256sum`.
///
/// ```swift
/// SHA256.hex(of: Array("abc".utf8))
/// // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/// ```
/// - Complexity: O(n) in the bytes fed.
public struct SHA256: @unchecked Sendable {
  /// Owns one `EVP_MD_CTX`; copied on write so the struct keeps value semantics.
  private final class Context {
    let pointer: OpaquePointer
    init() {
      pointer = EVP_MD_CTX_new()!
      EVP_DigestInit_ex(pointer, EVP_sha256(), nil)
    }
    init(copying other: Context) {
      pointer = EVP_MD_CTX_new()!
      EVP_MD_CTX_copy_ex(pointer, other.pointer)
    }
    deinit { EVP_MD_CTX_free(pointer) }
  }

  private var context = Context()

  public init() {}

  /// Feeds more bytes.
  public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
    let array = Array(bytes)
    array.withUnsafeBytes { update($0) }
  }

  /// Feeds more bytes from a contiguous buffer.
  public mutating func update(_ bytes: UnsafeRawBufferPointer) {
    if !isKnownUniquelyReferenced(&context) { context = Context(copying: context) }
    guard let base = bytes.baseAddress, bytes.count > 0 else { return }
    EVP_DigestUpdate(context.pointer, base, bytes.count)
  }

  /// The 32-byte digest of everything fed so far (the hasher itself is unchanged).
  public func finalize() -> [UInt8] {
    let copy = Context(copying: context)
    var digest = [UInt8](repeating: 0, count: 32)
    var length: UInt32 = 0
    EVP_DigestFinal_ex(copy.pointer, &digest, &length)
    return digest
  }

  /// The digest as 64 lower-case hex digits.
  public func hexDigest() -> String {
    let hex = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    out.reserveCapacity(64)
    for b in finalize() { out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 15)]) }
    return String(decoding: out, as: UTF8.self)
  }

  /// Hex SHA-256 of `bytes`.
  public static func hex<Bytes: Sequence>(of bytes: Bytes) -> String where Bytes.Element == UInt8 {
    var h = SHA256()
    h.update(bytes)
    return h.hexDigest()
  }
}
