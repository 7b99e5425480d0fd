#include "pin_jobs.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

namespace digestx::cli {
namespace {

using Clock = std::chrono::steady_clock;

// A source whose every read fails with the error that stopped it from being made, so each
// reference of the group reports that error.
class FailedSource final : public Source {
public:
    explicit FailedSource(Error error) : m_error(std::move(error)) {}
    Result<Observed> observe(const Reference & /*reference*/) override { return fail(m_error); }
    Result<Fetched> fetch_reference(const Reference & /*reference*/) override { return fail(m_error); }
    Result<TagList> list_tags(std::size_t /*page_size*/) override { return fail(m_error); }
    [[nodiscard]] SourceStats stats() const override { return {}; }

protected:
    std::vector<Result<Fetched>> fetch_batch(const std::vector<FetchItem> &items) override {
        return std::vector<Result<Fetched>>(items.size(), Result<Fetched>(fail(m_error)));
    }

private:
    Error m_error;
};

// Shared state of one run: the queue of groups, the progress line and the stderr lock.
class Board {
public:
    Board(Context &ctx, std::size_t total, std::string what)
        : m_ctx(ctx), m_total(total), m_what(std::move(what)), m_start(Clock::now()) {}

    void finished(std::size_t references, const std::string &diagnostics) {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_done += references;
        if (!diagnostics.empty()) {
            clear_line();
            m_ctx.err << diagnostics;
        }
        ++m_groups_done;
        m_changed.notify_all();
    }

    // The main thread waits here, redrawing the progress line while the workers run.
    void wait_for(std::size_t groups) {
        std::unique_lock<std::mutex> lock(m_mutex);
        while (m_groups_done < groups) {
            m_changed.wait_for(lock, std::chrono::milliseconds(100));
            // A moment: fast runs (and every test) never see a progress line.
            if (m_ctx.err_is_terminal && Clock::now() - m_start > std::chrono::milliseconds(700)) draw();
        }
        clear_line();
    }

private:
    void draw() {
        m_ctx.err << "\r\033[Kdigestx: " << m_what << " " << m_done << "/" << m_total << " references…";
        m_ctx.err.flush();
        m_shown = true;
    }
    void clear_line() {
        if (!m_shown) return;
        m_ctx.err << "\r\033[K";
        m_ctx.err.flush();
        m_shown = false;
    }

    Context &m_ctx;
    std::size_t m_total;
    std::string m_what;
    Clock::time_point m_start;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::size_t m_done = 0;
    std::size_t m_groups_done = 0;
    bool m_shown = false;
};

void run_group(const std::vector<Reference> &references, const std::vector<std::size_t> &group,
               const SourceMaker &make_source, const ReferenceWork &work, Board &board) {
    std::ostringstream diagnostics;
    {
        auto made = make_source(references[group.front()], diagnostics);
        std::unique_ptr<Source> owned = made ? std::move(*made) : nullptr;
        FailedSource failed(made ? Error{} : made.error());
        // One observation per tag for the whole group: two pins of one tag (an index pin and a
        // platform pin, say) compare against the same snapshot, resolved once (architecture principle 3).
        ObservationCache source(owned ? *owned : static_cast<Source &>(failed));
        for (std::size_t item : group)
            work(source, item);
    }
    board.finished(group.size(), diagnostics.str());
}

} // namespace

std::string repository_key(const Reference &reference) {
    if (reference.source() != SourceKind::Registry) {
        return std::string(source_kind_name(reference.source())) + ":" + reference.source_path();
    }
    return reference.endpoint() + "/" + reference.repository();
}

void run_by_repository(const std::vector<Reference> &references, std::size_t jobs, const SourceMaker &make_source,
                       const ReferenceWork &work, Context &ctx, const std::string &what) {
    std::map<std::string, std::vector<std::size_t>> by_key;
    for (std::size_t i = 0; i < references.size(); ++i)
        by_key[repository_key(references[i])].push_back(i);
    std::vector<std::vector<std::size_t>> groups;
    for (auto &[key, items] : by_key)
        groups.push_back(std::move(items));
    if (groups.empty()) return;

    Board board(ctx, references.size(), what);
    std::atomic<std::size_t> next{0};
    std::mutex failure_mutex;
    std::exception_ptr failure;
    auto worker = [&] {
        for (std::size_t g = next++; g < groups.size(); g = next++) {
            try {
                run_group(references, groups[g], make_source, work, board);
            } catch (...) {
                // A bug: remembered and rethrown on the main thread, where the driver reports it.
                std::lock_guard<std::mutex> lock(failure_mutex);
                if (!failure) failure = std::current_exception();
                board.finished(groups[g].size(), {});
            }
        }
    };
    std::vector<std::thread> threads;
    std::size_t count = std::clamp<std::size_t>(jobs, 1, groups.size());
    threads.reserve(count);
    for (std::size_t t = 0; t < count; ++t)
        threads.emplace_back(worker);
    board.wait_for(groups.size());
    for (auto &thread : threads)
        thread.join();
    if (failure) std::rethrow_exception(failure);
}

} // namespace digestx::cli
