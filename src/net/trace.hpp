#pragma once
// Internal: the --verbose trace. Every URL goes through redact_url, credential headers are never
// printed, and every registry-supplied value is sanitized (fault catalogue rule 14, case F4).

#include <chrono>
#include <iosfwd>
#include <string_view>

#include "digestx/net/transport.hpp"

namespace digestx::net::detail {

// "> GET <url>" and the request headers worth seeing; credential values as <redacted>.
void trace_request(std::ostream &out, const HttpRequest &hop);

// "< 200 <url> (N bytes, T ms)" and the response headers worth seeing.
void trace_response(std::ostream &out, const HttpResponse &response, std::chrono::milliseconds elapsed);

// "! <method> <url>: <message>" for a failed attempt, retries and refused redirects.
void trace_note(std::ostream &out, std::string_view method, std::string_view url, std::string_view message);

} // namespace digestx::net::detail
