#include "support/curl_client.hpp"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <stdexcept>
#include <strings.h>

#include <curl/curl.h>

namespace digestx::test {
namespace {

std::once_flag g_curl_init;

std::size_t append_body(char *data, std::size_t size, std::size_t count, void *user) {
    static_cast<std::string *>(user)->append(data, size * count);
    return size * count;
}

// Keeps only the final response's headers: a status line starts a new header block (after a
// 100 Continue or, were redirects followed, a 3xx).
std::size_t collect_header(char *data, std::size_t size, std::size_t count, void *user) {
    auto *headers = static_cast<std::vector<std::pair<std::string, std::string>> *>(user);
    std::string line(data, size * count);
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n'))
        line.pop_back();
    if (line.rfind("HTTP/", 0) == 0) {
        headers->clear();
        return size * count;
    }
    auto colon = line.find(':');
    if (colon == std::string::npos) return size * count;
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    headers->emplace_back(std::move(name), std::move(value));
    return size * count;
}

// Sets the method and body; POSTFIELDS with a custom request covers PUT/PATCH/DELETE bodies.
void set_method(CURL *curl, const HttpCall &call) {
    if (call.method == "HEAD") {
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
        return;
    }
    if (call.method == "GET") {
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
        return;
    }
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, call.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(call.body.size()));
    if (call.method != "POST") curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, call.method.c_str());
}

} // namespace

std::optional<std::string> HttpReply::header(const std::string &lowercase_name) const {
    for (const auto &[name, value] : headers) {
        if (name == lowercase_name) return value;
    }
    return std::nullopt;
}

CurlClient::CurlClient() {
    std::call_once(g_curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    m_handle = curl_easy_init();
    if (m_handle == nullptr) throw std::runtime_error("curl_easy_init failed");
}

CurlClient::~CurlClient() {
    curl_easy_cleanup(static_cast<CURL *>(m_handle));
}

HttpReply CurlClient::perform(const HttpCall &call) {
    CURL *curl = static_cast<CURL *>(m_handle);
    curl_easy_reset(curl);
    HttpReply reply;
    char error[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(curl, CURLOPT_URL, call.url.c_str());
    curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, call.timeout_ms);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, collect_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &reply.headers);
    if (!call.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, call.ca_file.c_str());
    if (!call.client_certificate.empty()) {
        curl_easy_setopt(curl, CURLOPT_SSLCERT, call.client_certificate.c_str());
        curl_easy_setopt(curl, CURLOPT_SSLKEY, call.client_key.c_str());
    }
    if (call.basic_auth) {
        curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
        curl_easy_setopt(curl, CURLOPT_USERNAME, call.basic_auth->first.c_str());
        curl_easy_setopt(curl, CURLOPT_PASSWORD, call.basic_auth->second.c_str());
    }
    set_method(curl, call);
    curl_slist *headers = nullptr;
    // No "Expect: 100-continue" round trip on uploads. libcurl's default "Accept: */*" is removed
    // too, so that a registry sees exactly the Accept a test chose (or none).
    headers = curl_slist_append(headers, "Expect:");
    bool has_accept = false;
    for (const auto &line : call.headers) {
        headers = curl_slist_append(headers, line.c_str());
        if (line.size() >= 7 && strncasecmp(line.c_str(), "accept:", 7) == 0) has_accept = true;
    }
    if (!has_accept) headers = curl_slist_append(headers, "Accept:");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    CURLcode code = curl_easy_perform(curl);
    curl_slist_free_all(headers);
    reply.curl_code = static_cast<int>(code);
    if (code != CURLE_OK) {
        reply.error = error[0] != '\0' ? error : curl_easy_strerror(code);
        return reply;
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
    return reply;
}

HttpCall get_call(std::string url) {
    HttpCall call;
    call.url = std::move(url);
    return call;
}

HttpReply http_call(const HttpCall &call) {
    CurlClient client;
    return client.perform(call);
}

} // namespace digestx::test
