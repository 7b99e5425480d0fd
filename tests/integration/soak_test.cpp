// The soak (issue 14): `digestx check` over 1,000 pinned references held by the real registry,
// through a proxy that injects 5xx, resets, stalls, truncated bodies and 429s at random with a
// fixed seed. Each reference must end as its plan says: what the registry holds when its faults
// were transient (the retries of catalogue C4, C6, C7 and E2 absorb them), the contract's exit code
// when they never stopped. The run must end inside its deadline, and the peak memory of a run over
// 1,000 references must stay near that of a run over 100: references are checked, not hoarded.

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>

#include <nlohmann/json.hpp>

#include "digestx/core/media_type.hpp"
#include "faults_support.hpp"
#include "soak_support.hpp"
#include "support/documents.hpp"
#include "support/fixtures.hpp"
#include "support/measured_process.hpp"

using namespace digestx::test;

namespace {

constexpr int repositories = 100;
constexpr int tags_per_repository = 10;
// t0…t7 are current, t8 was never pushed and its pin names nothing (missing), t9 moved to another
// image after it was pinned (drifted).
constexpr int missing_tag = 8;
constexpr int drifted_tag = 9;
constexpr int deadline_seconds = 100;

enum class Expected { Current, Missing, Drifted, Error };

struct SoakReference {
    std::string text;  // host/soak/rNN:tJ@sha256:…
    std::string path;  // /v2/soak/rNN/manifests/tJ, the path its plan faults
    SoakPlan plan;     // what the proxy does to that path
    Expected expected; // the row's status
    int exit_code = 0; // for Error: the contract's code
};

std::string repository_name(int r) {
    return "soak/r" + std::string(r < 10 ? "0" : "") + std::to_string(r);
}

// Two images per repository (what t0…t8 were pinned to, and what t9 moved to), pushed to the bed.
struct SoakImages {
    std::vector<std::string> pinned;
    std::vector<std::string> moved;
};

SoakImages push_images(RegistryBed &bed) {
    std::vector<FixtureBlob> blobs;
    std::vector<FixtureManifest> manifests;
    SoakImages images;
    const std::string layer = "soak layer";
    for (int r = 0; r < repositories; ++r) {
        const std::string repository = repository_name(r);
        blobs.push_back({repository, std::string(digestx::media::oci_layer_gzip), sha256_of(layer), layer});
        for (int version = 0; version < 2; ++version) {
            std::string config =
                make_config("linux/amd64", {sha256_of(layer)}, repository + " v" + std::to_string(version));
            blobs.push_back({repository, std::string(digestx::media::oci_config), sha256_of(config), config});
            FixtureManifest manifest;
            manifest.repository = repository;
            manifest.media_type = std::string(digestx::media::oci_manifest);
            manifest.bytes = make_manifest(manifest.media_type, sha256_of(config), config.size(),
                                           {{sha256_of(layer), layer.size()}});
            manifest.digest = sha256_of(manifest.bytes);
            if (version == 0) {
                for (int t = 0; t < missing_tag; ++t)
                    manifest.tags.push_back("t" + std::to_string(t));
                images.pinned.push_back(manifest.digest);
            } else {
                manifest.tags = {"t" + std::to_string(drifted_tag)};
                images.moved.push_back(manifest.digest);
            }
            manifests.push_back(std::move(manifest));
        }
    }
    push_documents(bed, blobs, manifests);
    return images;
}

// The fault of one reference: most none, a fifth transient (one or two attempts), a few for good.
SoakPlan draw_plan(std::mt19937 &random, bool missing) {
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    double roll = unit(random);
    SoakPlan plan;
    if (roll < 0.75) return plan;
    bool persistent = roll >= 0.97;
    // A stall is a pause, never a failure: it is only ever transient. An error body cut short is
    // not what a missing tag's GET for details is about: those paths get no truncation.
    std::vector<SoakFault> kinds{SoakFault::Status5xx, SoakFault::Reset, SoakFault::TooMany};
    if (!persistent) kinds.push_back(SoakFault::Stall);
    if (!missing) kinds.push_back(SoakFault::Truncated);
    plan.fault = kinds[std::uniform_int_distribution<std::size_t>(0, kinds.size() - 1)(random)];
    plan.status = std::array{500, 502, 503, 504}[std::uniform_int_distribution<std::size_t>(0, 3)(random)];
    plan.attempts = persistent ? 1000 : std::uniform_int_distribution<int>(1, 2)(random);
    return plan;
}

std::vector<SoakReference> plan_references(const std::string &host, const SoakImages &images) {
    std::mt19937 random(20261206);
    std::vector<SoakReference> references;
    // Tag-major order: the first 100 lines name 100 repositories, as the whole file does.
    for (int t = 0; t < tags_per_repository; ++t) {
        for (int r = 0; r < repositories; ++r) {
            SoakReference reference;
            const std::string tag = "t" + std::to_string(t);
            const std::string pin =
                t == missing_tag ? sha256_of("never pushed " + std::to_string(r)) : images.pinned[r];
            reference.text = host + "/" + repository_name(r) + ":" + tag + "@" + pin;
            reference.path = "/v2/" + repository_name(r) + "/manifests/" + tag;
            reference.plan = draw_plan(random, t == missing_tag);
            reference.expected = t == missing_tag   ? Expected::Missing
                                 : t == drifted_tag ? Expected::Drifted
                                                    : Expected::Current;
            if (reference.plan.attempts > 2) {
                reference.expected = Expected::Error;
                reference.exit_code = reference.plan.fault == SoakFault::TooMany ? 7 : 6;
            }
            references.push_back(std::move(reference));
        }
    }
    return references;
}

std::string status_of(Expected expected) {
    switch (expected) {
    case Expected::Current: return "current";
    case Expected::Missing: return "missing";
    case Expected::Drifted: return "drifted";
    case Expected::Error: return "error";
    }
    return "?";
}

// The exit code of check (cmd_check.cpp): the first unverifiable reference's, else 1 when any
// pin fails, else 0.
int expected_exit(const std::vector<SoakReference> &references) {
    for (const auto &reference : references)
        if (reference.expected == Expected::Error) return reference.exit_code;
    for (const auto &reference : references)
        if (reference.expected != Expected::Current) return 1;
    return 0;
}

MeasuredRun check_list(const std::string &directory, const std::vector<SoakReference> &references) {
    const std::string list = directory + "/images-" + std::to_string(references.size()) + ".txt";
    {
        std::ofstream out(list);
        for (const auto &reference : references)
            out << reference.text << "\n";
    }
    // Under the address sanitizer (DIGESTX_SANITIZE=1) freed memory waits in a quarantine of up to
    // 256 MB, which a longer run fills further: a small one keeps the comparison about digestx's
    // own memory. Other builds ignore the variable.
    const char *asan = std::getenv("ASAN_OPTIONS");
    std::string asan_options = std::string(asan != nullptr ? asan : "") + ":quarantine_size_mb=8";
    // The harness kills the child 20 s after the deadline it was given, so that a hang fails the
    // deadline check instead of the whole test run.
    return run_digestx_measured(
        {"-o", "json", "--timeout", std::to_string(deadline_seconds), "check", "--jobs", "32", list},
        deadline_seconds + 20, {{"ASAN_OPTIONS", asan_options}});
}

void check_rows(const MeasuredRun &run, const std::vector<SoakReference> &references, const FaultProxy &proxy) {
    INFO("stderr: " << run.result.err.substr(0, 2000));
    CHECK(run.seconds < deadline_seconds);
    CHECK(run.result.exit_code == expected_exit(references));
    CHECK(stderr_is_clean(run.result.err));
    auto document = nlohmann::json::parse(run.result.out);
    const auto &rows = document["results"];
    REQUIRE(rows.size() == references.size());
    std::size_t wrong = 0;
    for (std::size_t i = 0; i < references.size(); ++i) {
        const auto &reference = references[i];
        const auto &row = rows[i];
        bool right = row["status"] == status_of(reference.expected);
        if (reference.expected == Expected::Error) {
            right = right && row["error"]["exitCode"] == reference.exit_code;
        } else {
            right = right && row["error"].is_null();
        }
        // The proxy did what the plan said: every attempt faulted for good (the first and four
        // retries at least), each of the first attempts when transient, so the row above proves
        // that retries absorbed them. A stall fails nothing and is retried by nobody: only the
        // first request waited, and the GET after a missing tag's HEAD too.
        int faulted = proxy.faulted(reference.path);
        if (reference.plan.attempts > 2) {
            right = right && faulted >= 5;
        } else if (reference.plan.fault == SoakFault::Stall) {
            right = right && faulted >= 1 && faulted <= reference.plan.attempts;
        } else {
            right = right && faulted == reference.plan.attempts;
        }
        if (!right) {
            ++wrong;
            UNSCOPED_INFO(reference.text << " (fault " << static_cast<int>(reference.plan.fault) << " x"
                                         << reference.plan.attempts << ", faulted " << faulted << "): " << row.dump());
        }
    }
    CHECK(wrong == 0);
}

} // namespace

TEST_CASE("soak: check over 1,000 pinned references through random faults ends each as planned, in time and flat",
          "[soak][bed][check]") {
    auto bed = fresh_bed(BedMode::Open, false);
    SoakImages images = push_images(*bed);
    // Each run gets a proxy of its own, so that every plan starts from its first attempt.
    auto references = plan_references("127.0.0.1:0", images);
    std::map<std::string, SoakPlan> plans;
    for (const auto &reference : references)
        if (reference.plan.fault != SoakFault::None) plans[reference.path] = reference.plan;
    TempDir dir;

    auto run_over = [&](std::size_t count) {
        FaultProxy proxy(*bed, plans);
        auto chosen = plan_references(proxy.host(), images);
        chosen.resize(count);
        MeasuredRun run = check_list(dir.path(), chosen);
        check_rows(run, chosen, proxy);
        std::size_t errors = static_cast<std::size_t>(
            std::count_if(chosen.begin(), chosen.end(), [](const auto &r) { return r.expected == Expected::Error; }));
        std::size_t faulted = static_cast<std::size_t>(
            std::count_if(chosen.begin(), chosen.end(), [](const auto &r) { return r.plan.fault != SoakFault::None; }));
        std::cout << "soak: " << count << " references, " << faulted << " with faults (" << errors << " for good), "
                  << proxy.requests() << " requests, " << run.seconds << " s, exit " << run.result.exit_code
                  << ", peak RSS " << run.peak_rss_kb << " KiB\n";
        return run.peak_rss_kb;
    };
    long at_100 = run_over(100);
    long at_1000 = run_over(1000);
    // Flat: ten times the references may cost a little (the report's rows), never ten times.
    CHECK(at_1000 < at_100 + 32 * 1024);
    CHECK(at_1000 < 2 * at_100);
}
