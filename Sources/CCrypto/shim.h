// OpenSSL's libcrypto (Debian libssl-dev) for SHA-256 of input files in provenance.
// No stable Swift API: only CandorReport imports it, with `internal import`.
// libcrypto uses the CPU's SHA extensions (SHA-NI), ~5× a portable implementation,
// which matters when every run hashes exports of hundreds of megabytes.
#ifndef CANDOR_CCRYPTO_SHIM_H
#define CANDOR_CCRYPTO_SHIM_H
#include <openssl/evp.h>
#endif
