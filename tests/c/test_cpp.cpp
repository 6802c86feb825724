// paysig.h from C++: the header compiles with -Wall -Wextra -Werror under
// a C++ compiler and links (its declarations are wrapped in extern "C").
#include <cstdio>
#include <cstring>
#include <string>

#include "paysig.h"

int main() {
    int passed = 0, failed = 0;
    auto check = [&](bool ok, const char *what) {
        if (ok) {
            passed++;
        } else {
            failed++;
            std::fprintf(stderr, "FAILED: %s\n", what);
        }
    };
    check(std::string(paysig_version()).size() > 0, "paysig_version");
    check(paysig_abi_version() == PAYSIG_ABI_VERSION, "abi version");
    const std::string json = "{ \"b\": 1, \"a\": 2 }";
    paysig_bytes *canonical = nullptr;
    paysig_error *error = nullptr;
    check(paysig_canonicalize(json.data(), json.size(), &canonical, &error) == PAYSIG_RESULT_OK,
          "canonicalize");
    check(canonical != nullptr && std::strlen(canonical->data) == canonical->len, "length");
    paysig_bytes_free(canonical);
    paysig_error_free(error);
    std::printf("c++: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
