// libcurl opened on first use (see curl_library.hpp). Every non-variadic libcurl function digestx
// calls is defined here with the declaration <curl/curl.h> gives it: the definition finds the
// library's own function once and forwards the call; the three variadic ones are reached through
// the header's typed wrappers. digestx is not linked against libcurl, so the network modules
// resolve these names here; nothing exports them, so the library, once opened, keeps calling its
// own functions.

#include "digestx/net/curl_library.hpp"

#include <dlfcn.h>

#include <ctime>

#include <curl/curl.h>

namespace digestx::net {
namespace {

// The table of libcurl's functions, one member per function digestx calls.
struct Functions {
    decltype(&::curl_global_init) global_init = nullptr;
    decltype(&::curl_easy_init) easy_init = nullptr;
    decltype(&::curl_easy_cleanup) easy_cleanup = nullptr;
    decltype(&::curl_easy_setopt) easy_setopt = nullptr;
    decltype(&::curl_easy_getinfo) easy_getinfo = nullptr;
    decltype(&::curl_easy_strerror) easy_strerror = nullptr;
    decltype(&::curl_multi_init) multi_init = nullptr;
    decltype(&::curl_multi_cleanup) multi_cleanup = nullptr;
    decltype(&::curl_multi_setopt) multi_setopt = nullptr;
    decltype(&::curl_multi_add_handle) multi_add_handle = nullptr;
    decltype(&::curl_multi_remove_handle) multi_remove_handle = nullptr;
    decltype(&::curl_multi_perform) multi_perform = nullptr;
    decltype(&::curl_multi_poll) multi_poll = nullptr;
    decltype(&::curl_multi_info_read) multi_info_read = nullptr;
    decltype(&::curl_multi_strerror) multi_strerror = nullptr;
    decltype(&::curl_slist_append) slist_append = nullptr;
    decltype(&::curl_slist_free_all) slist_free_all = nullptr;
    decltype(&::curl_url) url = nullptr;
    decltype(&::curl_url_cleanup) url_cleanup = nullptr;
    decltype(&::curl_url_set) url_set = nullptr;
    decltype(&::curl_url_get) url_get = nullptr;
    decltype(&::curl_free) free = nullptr;
    decltype(&::curl_getdate) getdate = nullptr;
    decltype(&::curl_version_info) version_info = nullptr;
};

// Looks `name` up in `library`; the first name not found is kept in `missing`.
template <typename Pointer> void find(void *library, const char *name, Pointer &out, std::string &missing) {
    // POSIX dlsym(): a function's address comes back as void * and is converted to its type.
    out = reinterpret_cast<Pointer>(dlsym(library, name));
    if (out == nullptr && missing.empty()) missing = name;
}

// Opens `name` and fills `functions`: the library handle, or why it cannot serve as libcurl.
Result<void *> open_library(const std::string &name, Functions &functions) {
    // RTLD_LOCAL: libcurl's symbols stay out of the global scope, so nothing else binds to them.
    void *library = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) {
        const char *why = dlerror();
        return fail(ErrorCode::Internal, "cannot load " + name + ": " + (why != nullptr ? why : "unknown reason") +
                                             " (digestx needs libcurl 4 for the network)");
    }
    std::string missing;
    Functions &f = functions;
    find(library, "curl_global_init", f.global_init, missing);
    find(library, "curl_easy_init", f.easy_init, missing);
    find(library, "curl_easy_cleanup", f.easy_cleanup, missing);
    find(library, "curl_easy_setopt", f.easy_setopt, missing);
    find(library, "curl_easy_getinfo", f.easy_getinfo, missing);
    find(library, "curl_easy_strerror", f.easy_strerror, missing);
    find(library, "curl_multi_init", f.multi_init, missing);
    find(library, "curl_multi_cleanup", f.multi_cleanup, missing);
    find(library, "curl_multi_setopt", f.multi_setopt, missing);
    find(library, "curl_multi_add_handle", f.multi_add_handle, missing);
    find(library, "curl_multi_remove_handle", f.multi_remove_handle, missing);
    find(library, "curl_multi_perform", f.multi_perform, missing);
    find(library, "curl_multi_poll", f.multi_poll, missing);
    find(library, "curl_multi_info_read", f.multi_info_read, missing);
    find(library, "curl_multi_strerror", f.multi_strerror, missing);
    find(library, "curl_slist_append", f.slist_append, missing);
    find(library, "curl_slist_free_all", f.slist_free_all, missing);
    find(library, "curl_url", f.url, missing);
    find(library, "curl_url_cleanup", f.url_cleanup, missing);
    find(library, "curl_url_set", f.url_set, missing);
    find(library, "curl_url_get", f.url_get, missing);
    find(library, "curl_free", f.free, missing);
    find(library, "curl_getdate", f.getdate, missing);
    find(library, "curl_version_info", f.version_info, missing);
    if (missing.empty()) return library;
    (void)dlclose(library);
    return fail(ErrorCode::Internal,
                "cannot use " + name + ": it has no " + missing + " (digestx needs libcurl 7.66 or later)");
}

struct Loaded {
    Functions functions;
    Result<void> status; ///< why libcurl could not be opened, if it could not
};

// The process's libcurl, opened by the first caller (a function-local static is initialised once,
// even with pin's and check's worker threads); never closed (libcurl's own threads and atexit
// handlers may outlive any owner).
const Loaded &loaded() {
    static const Loaded state = [] {
        Loaded opened;
        if (auto library = open_library(libcurl_soname, opened.functions); !library) {
            opened.status = fail(std::move(library.error()));
        }
        return opened;
    }();
    return state;
}

// The table when libcurl could be opened, else nullptr: each forwarding function then answers as
// libcurl does when it cannot work (a null handle, CURLE_FAILED_INIT), and the transport, which
// calls load_libcurl() first, has already reported why.
const Functions *functions() {
    const Loaded &state = loaded();
    return state.status ? &state.functions : nullptr;
}

} // namespace

Result<void> load_libcurl() {
    return loaded().status;
}

namespace detail {

CURLcode (*easy_setopt_function())(CURL *, CURLoption, ...) {
    const auto *f = functions();
    return f != nullptr ? f->easy_setopt : nullptr;
}

CURLMcode (*multi_setopt_function())(CURLM *, CURLMoption, ...) {
    const auto *f = functions();
    return f != nullptr ? f->multi_setopt : nullptr;
}

CURLcode (*easy_getinfo_function())(CURL *, CURLINFO, ...) {
    const auto *f = functions();
    return f != nullptr ? f->easy_getinfo : nullptr;
}

} // namespace detail

Result<void> probe_libcurl(const std::string &name) {
    Functions unused;
    auto library = open_library(name, unused);
    if (!library) return fail(std::move(library.error()));
    (void)dlclose(*library);
    return {};
}

} // namespace digestx::net

using digestx::net::functions;

extern "C" {

CURLcode curl_global_init(long flags) {
    const auto *f = functions();
    return f != nullptr ? f->global_init(flags) : CURLE_FAILED_INIT;
}

CURL *curl_easy_init(void) {
    const auto *f = functions();
    return f != nullptr ? f->easy_init() : nullptr;
}

void curl_easy_cleanup(CURL *handle) {
    if (const auto *f = functions()) f->easy_cleanup(handle);
}

const char *curl_easy_strerror(CURLcode code) {
    const auto *f = functions();
    return f != nullptr ? f->easy_strerror(code) : "libcurl could not be loaded";
}

CURLM *curl_multi_init(void) {
    const auto *f = functions();
    return f != nullptr ? f->multi_init() : nullptr;
}

CURLMcode curl_multi_cleanup(CURLM *multi) {
    const auto *f = functions();
    return f != nullptr ? f->multi_cleanup(multi) : CURLM_INTERNAL_ERROR;
}

CURLMcode curl_multi_add_handle(CURLM *multi, CURL *handle) {
    const auto *f = functions();
    return f != nullptr ? f->multi_add_handle(multi, handle) : CURLM_INTERNAL_ERROR;
}

CURLMcode curl_multi_remove_handle(CURLM *multi, CURL *handle) {
    const auto *f = functions();
    return f != nullptr ? f->multi_remove_handle(multi, handle) : CURLM_INTERNAL_ERROR;
}

CURLMcode curl_multi_perform(CURLM *multi, int *running) {
    const auto *f = functions();
    return f != nullptr ? f->multi_perform(multi, running) : CURLM_INTERNAL_ERROR;
}

CURLMcode curl_multi_poll(CURLM *multi, struct curl_waitfd extra_fds[], unsigned int extra_nfds, int timeout_ms,
                          int *numfds) {
    const auto *f = functions();
    return f != nullptr ? f->multi_poll(multi, extra_fds, extra_nfds, timeout_ms, numfds) : CURLM_INTERNAL_ERROR;
}

CURLMsg *curl_multi_info_read(CURLM *multi, int *msgs_in_queue) {
    const auto *f = functions();
    return f != nullptr ? f->multi_info_read(multi, msgs_in_queue) : nullptr;
}

const char *curl_multi_strerror(CURLMcode code) {
    const auto *f = functions();
    return f != nullptr ? f->multi_strerror(code) : "libcurl could not be loaded";
}

struct curl_slist *curl_slist_append(struct curl_slist *list, const char *text) {
    const auto *f = functions();
    return f != nullptr ? f->slist_append(list, text) : nullptr;
}

void curl_slist_free_all(struct curl_slist *list) {
    if (const auto *f = functions()) f->slist_free_all(list);
}

CURLU *curl_url(void) {
    const auto *f = functions();
    return f != nullptr ? f->url() : nullptr;
}

void curl_url_cleanup(CURLU *handle) {
    if (const auto *f = functions()) f->url_cleanup(handle);
}

CURLUcode curl_url_set(CURLU *handle, CURLUPart what, const char *part, unsigned int flags) {
    const auto *f = functions();
    return f != nullptr ? f->url_set(handle, what, part, flags) : CURLUE_OUT_OF_MEMORY;
}

CURLUcode curl_url_get(CURLU *handle, CURLUPart what, char **part, unsigned int flags) {
    const auto *f = functions();
    return f != nullptr ? f->url_get(handle, what, part, flags) : CURLUE_OUT_OF_MEMORY;
}

void curl_free(void *pointer) {
    if (const auto *f = functions()) f->free(pointer);
}

time_t curl_getdate(const char *text, const time_t *unused) {
    const auto *f = functions();
    return f != nullptr ? f->getdate(text, unused) : -1;
}

curl_version_info_data *curl_version_info(CURLversion stamp) {
    const auto *f = functions();
    return f != nullptr ? f->version_info(stamp) : nullptr;
}

} // extern "C"
