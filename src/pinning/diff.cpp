// A unified diff for `pin --dry-run`. Myers' O(ND) algorithm on the lines between the common prefix
// and suffix, which for a pinning run (a few changed lines) is tiny; hunks are then cut with
// `context` lines around changes exactly as GNU diff and git print them.
#include "digestx/pinning/diff.hpp"

#include <algorithm>
#include <vector>

namespace digestx::pinning {
namespace {

// Past this many differences the middle is replaced wholesale: still a correct diff, and the
// trace stays small (about 4 * limit^2 bytes).
constexpr long max_edit_distance = 1000;

enum class OpKind { Equal, Delete, Insert };

struct Op {
    OpKind kind;
    std::size_t a; // index in the old lines (Equal, Delete)
    std::size_t b; // index in the new lines (Equal, Insert)
};

// Lines with their `\n`, so that a last line without one differs from the same text with one.
std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        auto newline = text.find('\n', start);
        auto stop = newline == std::string_view::npos ? text.size() : newline + 1;
        lines.push_back(text.substr(start, stop - start));
        start = stop;
    }
    return lines;
}

using Lines = std::vector<std::string_view>;

// Myers' greedy forward search with the V array saved per round, then a walk back through it.
// Returns false when the distance exceeds the limit.
bool myers(const Lines &a, const Lines &b, std::size_t a0, std::size_t a1, std::size_t b0, std::size_t b1,
           std::vector<Op> &out) {
    const long n = static_cast<long>(a1 - a0);
    const long m = static_cast<long>(b1 - b0);
    const long limit = std::min(n + m, max_edit_distance);
    const long offset = limit + 1;
    std::vector<long> v(static_cast<std::size_t>(2 * limit + 3), 0);
    std::vector<std::vector<long>> trace;
    auto at = [&](std::vector<long> &array, long k) -> long & { return array[static_cast<std::size_t>(k + offset)]; };
    long found = -1;
    for (long d = 0; d <= limit && found < 0; ++d) {
        trace.push_back(v);
        for (long k = -d; k <= d; k += 2) {
            long x = (k == -d || (k != d && at(v, k - 1) < at(v, k + 1))) ? at(v, k + 1) : at(v, k - 1) + 1;
            long y = x - k;
            while (x < n && y < m && a[a0 + static_cast<std::size_t>(x)] == b[b0 + static_cast<std::size_t>(y)]) {
                ++x;
                ++y;
            }
            at(v, k) = x;
            if (x >= n && y >= m) {
                found = d;
                break;
            }
        }
    }
    if (found < 0) return false;
    std::vector<Op> reversed;
    long x = n;
    long y = m;
    for (long d = found; d >= 0; --d) {
        auto &round = trace[static_cast<std::size_t>(d)];
        long k = x - y;
        long prev_k = (k == -d || (k != d && at(round, k - 1) < at(round, k + 1))) ? k + 1 : k - 1;
        long prev_x = at(round, prev_k);
        long prev_y = prev_x - prev_k;
        while (x > prev_x && y > prev_y) {
            --x;
            --y;
            reversed.push_back({OpKind::Equal, a0 + static_cast<std::size_t>(x), b0 + static_cast<std::size_t>(y)});
        }
        if (d > 0) {
            if (x == prev_x)
                reversed.push_back(
                    {OpKind::Insert, a0 + static_cast<std::size_t>(x), b0 + static_cast<std::size_t>(prev_y)});
            else
                reversed.push_back(
                    {OpKind::Delete, a0 + static_cast<std::size_t>(prev_x), b0 + static_cast<std::size_t>(y)});
        }
        x = prev_x;
        y = prev_y;
    }
    out.insert(out.end(), reversed.rbegin(), reversed.rend());
    return true;
}

std::vector<Op> edit_script(const Lines &a, const Lines &b) {
    std::size_t prefix = 0;
    while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix])
        ++prefix;
    std::size_t suffix = 0;
    while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
           a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) {
        ++suffix;
    }
    std::vector<Op> ops;
    for (std::size_t i = 0; i < prefix; ++i)
        ops.push_back({OpKind::Equal, i, i});
    if (!myers(a, b, prefix, a.size() - suffix, prefix, b.size() - suffix, ops)) {
        for (auto i = prefix; i < a.size() - suffix; ++i)
            ops.push_back({OpKind::Delete, i, prefix});
        for (auto j = prefix; j < b.size() - suffix; ++j)
            ops.push_back({OpKind::Insert, a.size() - suffix, j});
    }
    for (std::size_t i = 0; i < suffix; ++i) {
        ops.push_back({OpKind::Equal, a.size() - suffix + i, b.size() - suffix + i});
    }
    return ops;
}

// `l,n` as diff writes it: `l` alone when n is 1; for an empty range, the line before it.
std::string range(std::size_t first, std::size_t count) {
    if (count == 1) return std::to_string(first + 1);
    return std::to_string(count == 0 ? first : first + 1) + "," + std::to_string(count);
}

void append_line(std::string &out, char mark, std::string_view line) {
    out += mark;
    out += line;
    if (!line.ends_with('\n')) out += "\n\\ No newline at end of file\n";
}

void append_hunk(std::string &out, const std::vector<Op> &ops, std::size_t begin, std::size_t end, const Lines &a,
                 const Lines &b) {
    std::size_t old_count = 0;
    std::size_t new_count = 0;
    for (auto i = begin; i < end; ++i) {
        old_count += ops[i].kind != OpKind::Insert ? 1 : 0;
        new_count += ops[i].kind != OpKind::Delete ? 1 : 0;
    }
    out += "@@ -" + range(ops[begin].a, old_count) + " +" + range(ops[begin].b, new_count) + " @@\n";
    for (auto i = begin; i < end; ++i) {
        const auto &op = ops[i];
        if (op.kind == OpKind::Equal)
            append_line(out, ' ', a[op.a]);
        else if (op.kind == OpKind::Delete)
            append_line(out, '-', a[op.a]);
        else
            append_line(out, '+', b[op.b]);
    }
}

} // namespace

std::string unified_diff(std::string_view path, std::string_view before, std::string_view after, std::size_t context) {
    if (before == after) return {};
    auto a = split_lines(before);
    auto b = split_lines(after);
    auto ops = edit_script(a, b);
    std::string out = "--- a/" + std::string(path) + "\n+++ b/" + std::string(path) + "\n";
    std::size_t i = 0;
    while (i < ops.size()) {
        while (i < ops.size() && ops[i].kind == OpKind::Equal)
            ++i;
        if (i >= ops.size()) break;
        auto begin = i >= context ? i - context : 0;
        // Extend while the next change is within 2*context equal lines of the last one.
        auto last_change = i;
        for (auto j = i; j < ops.size(); ++j) {
            if (ops[j].kind != OpKind::Equal) {
                last_change = j;
            } else if (j - last_change > 2 * context) {
                break;
            }
        }
        auto end = std::min(ops.size(), last_change + context + 1);
        append_hunk(out, ops, begin, end, a, b);
        i = end;
    }
    return out;
}

} // namespace digestx::pinning
