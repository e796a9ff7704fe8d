#include "CRE2.h"

#include <re2/re2.h>

#include <cstdio>
#include <cstring>
#include <new>
#include <string>

struct uxchurn_regex {
    re2::RE2 compiled;
    uxchurn_regex(const re2::StringPiece &pattern, const re2::RE2::Options &options) : compiled(pattern, options) {}
};

extern "C" uxchurn_regex *uxchurn_regex_compile(const char *pattern, size_t length, char *error, size_t error_size) {
    re2::RE2::Options options;
    options.set_log_errors(false);
    options.set_case_sensitive(true);
    options.set_encoding(re2::RE2::Options::EncodingUTF8);
    uxchurn_regex *regex = nullptr;
    try {  // no C++ exception may cross into Swift
        regex = new uxchurn_regex(re2::StringPiece(pattern, length), options);
    } catch (...) {
        if (error_size > 0) std::snprintf(error, error_size, "out of memory");
        return nullptr;
    }
    if (!regex->compiled.ok()) {
        if (error_size > 0) std::snprintf(error, error_size, "%s", regex->compiled.error().c_str());
        delete regex;
        return nullptr;
    }
    return regex;
}

extern "C" int uxchurn_regex_search(const uxchurn_regex *regex, const char *text, size_t length) {
    try {
        return re2::RE2::PartialMatch(re2::StringPiece(text, length), regex->compiled) ? 1 : 0;
    } catch (...) {
        return 0;
    }
}

extern "C" void uxchurn_regex_free(uxchurn_regex *regex) {
    delete regex;
}
