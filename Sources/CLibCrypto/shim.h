// OpenSSL's libcrypto (Debian libssl-dev) for SHA-256 of model files in dump sidecars.
#pragma once
#include <openssl/evp.h>
