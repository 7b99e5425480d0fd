#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <set>
#include <sstream>

#include "digestx/core/media_type.hpp"
#include "digestx/core/text.hpp"
#include "digestx/render/dot.hpp"
#include "digestx/render/inspect_json.hpp"
#include "digestx/render/labels.hpp"
#include "digestx/render/text.hpp"
#include "support/golden.hpp"
#include "support/inspect_schema.hpp"
#include "support/process.hpp"
#include "support/render_scenarios.hpp"

using namespace digestx;
using digestx::test::RenderScenario;

namespace {

const std::vector<RenderScenario> &scenarios() {
    static const std::vector<RenderScenario> all = test::render_scenarios();
    return all;
}

const RenderScenario &scenario(const std::string &name) {
    for (const auto &s : scenarios()) {
        if (s.name == name) return s;
    }
    throw std::runtime_error("no scenario " + name);
}

std::string text(const RenderScenario &s, render::TextStyle style) {
    std::ostringstream out;
    render::write_text(out, s.tree, s.explanation, style);
    return out.str();
}

std::string json_text(const RenderScenario &s) {
    std::ostringstream out;
    render::write_json(out, s.tree, s.explanation, s.input);
    return out.str();
}

std::string dot(const RenderScenario &s) {
    std::ostringstream out;
    render::write_dot(out, s.tree, s.explanation);
    return out.str();
}

std::string replace_all(std::string text, const std::string &from, const std::string &to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

// Every scenario in both text forms: the table and the explained tree.
std::vector<std::pair<const RenderScenario *, bool>> every_style() {
    std::vector<std::pair<const RenderScenario *, bool>> all;
    for (const auto &s : scenarios()) {
        all.emplace_back(&s, false);
        all.emplace_back(&s, true);
    }
    return all;
}

std::vector<std::string> lines_of(const std::string &text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

} // namespace

TEST_CASE("text, json and dot output match their golden files", "[render][golden]") {
    struct Case {
        std::string scenario;
        std::string format; // "ascii", "utf8", "full", "explain", "explain.utf8", "json", "dot"
    };
    std::vector<Case> cases;
    for (const auto &s : scenarios()) {
        cases.push_back({s.name, "ascii"});
        cases.push_back({s.name, "json"});
    }
    for (const char *name : {"list", "nested", "partial", "attestations", "eight"})
        cases.push_back({name, "utf8"});
    for (const char *name : {"list", "single", "eight"})
        cases.push_back({name, "full"});
    // The explained tree of --explain, for every shape it draws differently.
    for (const char *name : {"list", "platform", "attestations", "nested", "single", "partial", "hostile"})
        cases.push_back({name, "explain"});
    cases.push_back({"attestations", "explain.utf8"});
    cases.push_back({"attestations", "dot"});
    cases.push_back({"hostile", "dot"});
    for (const auto &c : cases) {
        INFO("scenario " << c.scenario << ", format " << c.format);
        const RenderScenario &s = scenario(c.scenario);
        std::string output;
        std::string file = "render/" + c.scenario;
        if (c.format == "json") {
            output = json_text(s);
            file += ".json";
        } else if (c.format == "dot") {
            output = dot(s);
            file += ".dot";
        } else {
            output = text(s, {c.format.ends_with("utf8"), false, c.format == "full", c.format.starts_with("explain")});
            file += c.format == "ascii" ? ".txt" : "." + c.format + ".txt";
        }
        std::string mismatch = test::golden_mismatch(file, output);
        INFO(mismatch);
        CHECK(mismatch.empty());
    }
}

TEST_CASE("ASCII and UTF-8 trees differ only in their glyphs", "[render][text]") {
    for (const auto &[s, explained] : every_style()) {
        INFO("scenario " << s->name << (explained ? ", explained" : ", table"));
        std::string ascii = text(*s, {false, false, false, explained});
        std::string utf8 = text(*s, {true, false, false, explained});
        // Every byte of the ASCII form is ASCII, hostile input included (sanitize escapes it).
        CHECK(std::all_of(ascii.begin(), ascii.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }));
        CHECK(utf8.find("─ ") != std::string::npos);
        std::string folded = utf8;
        for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{
                 {"├─ ", "|- "}, {"└─ ", "`- "}, {"│  ", "|  "}, {"◀", "<-"}})
            folded = replace_all(folded, from, to);
        CHECK(folded == ascii);
    }
}

TEST_CASE("digests are Docker Hub's 12 hex by default and full with --full", "[render][text]") {
    for (const auto &[s, explained] : every_style()) {
        INFO("scenario " << s->name << (explained ? ", explained" : ", table"));
        // Messages (errors, findings) quote digests in full, and so does the pin line; the
        // columns are the subject.
        std::string brief;
        for (const auto &line : lines_of(text(*s, {false, false, false, explained}))) {
            bool message = line.find("error (") != std::string::npos || line.find("  ") == std::string::npos ||
                           line.starts_with("info:") || line.starts_with("pin: ") ||
                           line.find_first_not_of(" |`-") == line.find("sha256:");
            if (!message) brief += line + "\n";
        }
        std::string full = text(*s, {false, false, true, explained});
        for (const auto &node : s->tree.nodes) {
            INFO("node " << node.id << " " << node.digest_text());
            std::string hex = node.digest_text().substr(7);
            bool shown = brief.find(hex.substr(0, 12) + " ") != std::string::npos;
            // The table of a many-platform graph leaves attestation configs to --explain.
            bool attestation_config = node.parent && s->explanation.nodes[*node.parent].role == Role::Attestation;
            CHECK((shown || (!explained && attestation_config)));
            CHECK((full.find(hex) != std::string::npos) == shown);
            CHECK(brief.find(hex) == std::string::npos);
        }
    }
}

TEST_CASE("colour appears only when asked for, as digest and dim SGR codes", "[render][text]") {
    for (const auto &[s, explained] : every_style()) {
        INFO("scenario " << s->name << (explained ? ", explained" : ", table"));
        std::string plain = text(*s, {true, false, false, explained});
        CHECK(plain.find('\x1b') == std::string::npos);
        std::string coloured = text(*s, {true, true, false, explained});
        CHECK(coloured.find("\x1b[33m" + render::short_digest(s->tree.root().digest_text()) + "\x1b[0m") !=
              std::string::npos);
        CHECK(coloured.find("\x1b[2m") != std::string::npos);
        // Every escape in coloured output is one of ours, hostile input included.
        for (auto at = coloured.find('\x1b'); at != std::string::npos; at = coloured.find('\x1b', at + 1)) {
            std::string code = coloured.substr(at, coloured.find('m', at) - at + 1);
            INFO("escape at " << at << ": " << code.substr(1));
            CHECK((code == "\x1b[33m" || code == "\x1b[2m" || code == "\x1b[31m" || code == "\x1b[0m"));
        }
    }
}

TEST_CASE("an 8-platform image with attestations fits 40 lines of 80 columns", "[render][text]") {
    const RenderScenario &s = scenario("eight");
    for (bool unicode : {false, true}) {
        for (bool color : {false, true}) {
            INFO("unicode " << unicode << ", colour " << color);
            auto lines = lines_of(text(s, {unicode, color, false, false}));
            CHECK(lines.size() <= 40);
            for (auto line : lines) {
                line = replace_all(line, "\x1b[33m", "");
                line = replace_all(replace_all(replace_all(line, "\x1b[2m", ""), "\x1b[0m", ""), "\x1b[31m", "");
                INFO(line);
                CHECK(render::display_width(line) <= render::text_width);
            }
        }
    }
    // Every image and its image ID has a row; layers and attestation configs are left to --explain.
    std::string table = text(s, {false, false, false, false});
    CHECK_THAT(table, Catch::Contains("not shown: layers and diff_ids, attestation configs (see --explain)"));
    CHECK(lines_of(text(s, {false, false, false, true})).size() > 100);
}

TEST_CASE("the table explains each role once, where it first appears", "[render][text]") {
    for (const char *name : {"eight", "list", "attestations", "nested", "partial"}) {
        INFO("scenario " << name);
        const RenderScenario &s = scenario(name);
        std::string table = text(s, {false, false, false, false});
        std::set<Role> roles; // of the rows the table shows: attestation configs are left out
        for (const auto &node : s.tree.nodes) {
            if (!node.parent || s.explanation.nodes[*node.parent].role != Role::Attestation)
                roles.insert(s.explanation.nodes[node.id].role);
        }
        for (Role role : roles) {
            std::string gloss(render::role_gloss(role));
            INFO("role " << role_name(role));
            if (gloss.empty()) continue;
            auto first = table.find(gloss);
            REQUIRE(first != std::string::npos);
            CHECK(table.find(gloss, first + 1) == std::string::npos);
        }
    }
}

TEST_CASE("one platform keeps every node's full sentence, and its layers", "[render][text]") {
    for (const char *name : {"single", "platform"}) {
        INFO("scenario " << name);
        const RenderScenario &s = scenario(name);
        // Sentences are wrapped to the width: read them back with the tree glyphs taken off.
        std::string joined;
        for (const auto &line : lines_of(text(s, {false, false, false, false}))) {
            auto start = line.find_first_not_of(" |`-");
            if (start != std::string::npos) joined += line.substr(start) + " ";
        }
        for (std::size_t id = 0; id < s.tree.nodes.size(); ++id) {
            INFO("node " << id);
            CHECK_THAT(joined, Catch::Contains(s.explanation.nodes[id].sentence));
            for (const auto &layer : s.explanation.nodes[id].layers)
                CHECK_THAT(joined, Catch::Contains(render::short_digest(layer.layer->digest.str())));
        }
    }
}

TEST_CASE("the digest to pin is on a line of its own, in full", "[render][text]") {
    for (const auto &s : scenarios()) {
        INFO("scenario " << s.name);
        std::string table = text(s, {false, false, false, false});
        CHECK_THAT(table, Catch::Contains("\npin: " + s.tree.root().digest_text() + "\n"));
    }
}

TEST_CASE("a reference by digest too long for the width keeps its digest whole", "[render][text]") {
    ImageTree tree = scenario("single").tree;
    std::string digest = tree.root().digest_text();
    auto reference = parse_reference("registry.test/a-rather-long-organisation/and-a-long-repository@" + digest);
    REQUIRE(reference);
    tree.reference = *reference;
    RenderScenario long_name{"long", "", std::move(tree), {}};
    long_name.explanation = explain(long_name.tree);
    std::string out = text(long_name, {false, false, false, false});
    auto lines = lines_of(out);
    REQUIRE(lines.size() > 1);
    CHECK(lines[0] == "registry.test/a-rather-long-organisation/and-a-long-repository");
    CHECK(lines[1] == "@" + digest);
    for (const auto &line : lines) {
        INFO(line);
        CHECK(render::display_width(line) <= render::text_width);
    }
}

TEST_CASE("words wrap at spaces and never inside a word", "[render][text]") {
    struct Case {
        std::string text;
        std::size_t width;
        std::vector<std::string> lines;
    };
    std::string digest = "sha256:" + std::string(64, 'a');
    std::vector<Case> cases = {
        {"", 10, {""}},
        {"one two three", 80, {"one two three"}},
        {"one two three", 7, {"one two", "three"}},
        {"one  two", 80, {"one two"}},
        {"see " + digest + " here", 20, {"see", digest, "here"}},
        {"a\xe2\x94\x80\xe2\x94\x80 b", 5, {"a\xe2\x94\x80\xe2\x94\x80 b"}},
        {"a\xe2\x94\x80\xe2\x94\x80 b", 4, {"a\xe2\x94\x80\xe2\x94\x80", "b"}},
    };
    for (const auto &c : cases) {
        INFO("'" << c.text << "' at " << c.width);
        CHECK(render::wrap_words(c.text, c.width) == c.lines);
    }
    CHECK(render::display_width("├─ x") == 4);
    CHECK(render::display_width("") == 0);
}

TEST_CASE("hostile strings are escaped in text and dot, and kept exact in JSON", "[render][security]") {
    const RenderScenario &s = scenario("hostile");
    for (bool unicode : {false, true}) {
        std::string out = text(s, {unicode, false, false, true}) + text(s, {unicode, false, false, false});
        INFO(out);
        CHECK(out.find('\x1b') == std::string::npos);
        CHECK(out.find('\a') == std::string::npos);
        CHECK(out.find("\n::") == std::string::npos); // no workflow command at the start of a line
        CHECK(out.find("\nfake line") == std::string::npos);
        CHECK(out.find("\\x1b[31mred") != std::string::npos);
        CHECK(out.find("v7\\x1b[2j\\nfake line manifest") != std::string::npos);
    }
    std::string graph = dot(s);
    CHECK(graph.find('\x1b') == std::string::npos);
    CHECK(std::count(graph.begin(), graph.end(), '\n') == std::count(graph.begin(), graph.end(), ';') + 2);

    std::string raw = json_text(s);
    CHECK(raw.find('\x1b') == std::string::npos);
    CHECK(raw.find("\\u001b[31mred") != std::string::npos);
    auto document = nlohmann::json::parse(raw);
    const auto &first = document["root"]["children"][0];
    CHECK(first["annotations"]["org.opencontainers.image.title"] == test::hostile_text);
    CHECK(document["root"]["children"][1]["error"]["message"] == test::hostile_text);
}

TEST_CASE("every scenario's JSON follows docs/inspect-json.md", "[render][json]") {
    for (const auto &s : scenarios()) {
        INFO("scenario " << s.name);
        auto problems = test::check_inspect_schema(nlohmann::json::parse(json_text(s)));
        for (const auto &problem : problems)
            UNSCOPED_INFO(problem);
        CHECK(problems.empty());
    }
    SECTION("and the checker catches departures") {
        auto document = nlohmann::json::parse(json_text(scenario("list")));
        std::vector<std::pair<std::string, std::function<void(nlohmann::json &)>>> breakages = {
            {"missing key", [](nlohmann::json &d) { d["root"].erase("title"); }},
            {"extra key", [](nlohmann::json &d) { d["root"]["bonus"] = 1; }},
            {"wrong type", [](nlohmann::json &d) { d["root"]["size"] = "528"; }},
            {"null where not allowed", [](nlohmann::json &d) { d["root"]["digest"] = nullptr; }},
            {"unknown role", [](nlohmann::json &d) { d["root"]["role"] = "mystery"; }},
            {"key on the wrong kind", [](nlohmann::json &d) { d["root"]["imageId"] = "sha256:x"; }},
            {"nested layer", [](nlohmann::json &d) { d["root"]["children"][0]["layers"][0]["diffId"] = 7; }},
        };
        for (auto &[what, breakage] : breakages) {
            INFO(what);
            nlohmann::json broken = document;
            breakage(broken);
            CHECK_FALSE(test::check_inspect_schema(broken).empty());
        }
    }
}

TEST_CASE("docs/inspect-json.md gives imageId the same store caveat as the text output", "[render][json][docs]") {
    // moby daemon/containerd/image_list.go: with the containerd image store the IMAGE ID column
    // is the pulled index or manifest digest, not the config digest.
    const RenderScenario &single = scenario("single");
    CHECK_THAT(single.explanation.nodes[1].sentence, Catch::Contains("containerd image store"));
    std::istringstream doc(test::read_file(test::source_dir() + "/docs/inspect-json.md"));
    std::string line;
    std::string row;
    while (std::getline(doc, line)) {
        if (line.rfind("| `imageId` |", 0) == 0) row = line;
    }
    REQUIRE_FALSE(row.empty());
    CHECK_THAT(row, Catch::Contains("classic image store") && Catch::Contains("containerd image store"));
}

TEST_CASE("the JSON document carries the facts of the tree", "[render][json]") {
    auto list = render::inspect_json(scenario("list").tree, scenario("list").explanation, "in");
    const auto &amd64 = list["root"]["children"][0];
    CHECK(list["schemaVersion"] == 1);
    CHECK(list["reference"]["canonical"] == "registry.test/library/alpine:3.12");
    CHECK(list["root"]["role"] == "index");
    CHECK(amd64["role"] == "platform-manifest");
    CHECK(amd64["platform"]["architecture"] == "amd64");
    CHECK(amd64["compressedSize"] ==
          amd64["layers"][0]["size"].get<std::int64_t>() + amd64["layers"][1]["size"].get<std::int64_t>());
    const auto &config = amd64["children"][0];
    CHECK(config["imageId"] == config["digest"]);
    CHECK(amd64["layers"][1]["diffId"] == config["diffIds"][1]);
    CHECK(list["root"]["children"][1]["platform"]["variant"] == nullptr); // arm64/v8 normalises to arm64
    CHECK(list["selected"] == nullptr);

    auto platform = render::inspect_json(scenario("platform").tree, scenario("platform").explanation, "in");
    CHECK(platform["platform"]["variant"] == "v7");
    CHECK(platform["selected"] == platform["root"]["children"][0]["digest"]);

    auto attest = render::inspect_json(scenario("attestations").tree, scenario("attestations").explanation, "in");
    CHECK(attest["root"]["children"][2]["role"] == "attestation");
    CHECK(attest["root"]["children"][2]["attests"] == attest["root"]["children"][0]["digest"]);
    CHECK(attest["root"]["children"][3]["attests"] == attest["root"]["children"][1]["digest"]);

    auto lean = render::inspect_json(scenario("lean").tree, scenario("lean").explanation, "in");
    CHECK(lean["root"]["children"][2]["skipped"] == "attestations not requested");
    CHECK(lean["root"]["children"][2]["attests"] == lean["root"]["children"][0]["digest"]);
    CHECK(lean["root"]["children"][0]["layers"][0]["diffId"] == nullptr);
    CHECK(lean["root"]["children"][0]["children"][0]["os"] == nullptr);

    auto partial = render::inspect_json(scenario("partial").tree, scenario("partial").explanation, "in");
    const auto &children = partial["root"]["children"];
    CHECK(children[1]["error"]["code"] == "not-found");
    CHECK(children[1]["error"]["exitCode"] == 3);
    CHECK(children[1]["error"]["httpStatus"] == 404);
    CHECK(children[1]["error"]["registryCodes"][0] == "MANIFEST_UNKNOWN");
    CHECK(children[1]["title"] == "linux/arm64 manifest");
    CHECK(children[2]["error"]["code"] == "integrity");
    CHECK(children[3]["children"][0]["error"]["code"] == "not-found");
    CHECK(children[4]["skipped"].get<std::string>().starts_with("not a manifest type"));
    CHECK(partial["requests"]["total"] == scenario("partial").tree.stats.requests);
}

TEST_CASE("the explained tree shows layers beside diff_ids, compressed sizes, attestations and failures",
          "[render][text]") {
    const RenderScenario &list = scenario("list");
    std::string out = text(list, {false, false, false, true});
    const auto &rows = list.explanation.nodes[1].layers;
    REQUIRE(rows.size() == 2);
    for (const auto &row : rows) {
        std::string line = "layer " + std::to_string(row.position) + "  " +
                           render::short_digest(row.layer->digest.str()) + "  " +
                           human_size(static_cast<unsigned long long>(row.layer->size)) + "  diff_id " +
                           render::short_digest(row.diff_id->str());
        CHECK_THAT(out, Catch::Contains(line));
    }
    auto compressed = render::compressed_size(list.tree.nodes[1]);
    REQUIRE(compressed);
    CHECK(*compressed == rows[0].layer->size + rows[1].layer->size);
    CHECK_THAT(out, Catch::Contains("compressed size " + human_size(static_cast<unsigned long long>(*compressed))));
    CHECK_THAT(out, Catch::Contains("info: the distribution registry (registry:2, registry:3) serves a client "
                                    "whose Accept has the schema2 type but not the manifest list type"));
    CHECK_THAT(out, Catch::Contains("[accept-dependent] (at linux/amd64 manifest"));

    const RenderScenario &attest = scenario("attestations");
    std::string attested = text(attest, {false, false, false, true});
    CHECK_THAT(attested, Catch::Contains("attests " + render::short_digest(attest.tree.nodes[1].digest_text()) +
                                         " (linux/amd64 manifest)"));

    std::string partial = text(scenario("partial"), {false, false, false, true});
    CHECK_THAT(partial, Catch::Contains("error (not-found, exit 3): manifest unknown"));
    CHECK_THAT(partial, Catch::Contains("error (integrity, exit 5): integrity failure"));
    CHECK_THAT(partial, Catch::Contains("skipped: not a manifest type: application/vnd.example.future+json"));
    CHECK_THAT(partial, Catch::Contains("cost: 7 requests (0 manifest HEADs, 0 manifest GETs, 0 blob GETs); "));

    std::string lean = text(scenario("lean"), {false, false, false, true});
    CHECK_THAT(lean, Catch::Contains("diff_id - (config not read)"));
    CHECK_THAT(lean, Catch::Contains("skipped: configs not requested"));
    CHECK_THAT(lean, Catch::Contains("skipped: attestations not requested"));
}

TEST_CASE("the cost line says what was sent and speaks of Docker Hub only for docker.io", "[render][text]") {
    struct Case {
        std::string reference;
        SourceStats stats;
        std::string line;
    };
    // docs.docker.com/docker-hub/usage/pulls/: GETs count towards the limit, HEADs do not.
    std::vector<Case> cases = {
        {"alpine:3.12", SourceStats{4, 2, 1, 1, 2048, "100;w=21600", "97;w=21600", 0, 0},
         "cost: 4 requests (1 manifest HEAD, 2 manifest GETs, 1 blob GET); 2 manifest GETs (Docker Hub meters "
         "these; HEADs are free); 2.05 kB read; ratelimit-remaining 97;w=21600 of 100;w=21600"},
        {"docker.io/library/hello:single", SourceStats{2, 1, 0, 1, 900, std::nullopt, std::nullopt, 0, 0},
         "cost: 2 requests (0 manifest HEADs, 1 manifest GET, 1 blob GET); 1 manifest GET (Docker Hub meters "
         "these; HEADs are free); 900 B read"},
        {"docker.io/library/hello:single", SourceStats{3, 1, 1, 1, 900, std::nullopt, std::nullopt, 2, 1},
         "cost: 3 requests (1 manifest HEAD, 1 manifest GET, 1 blob GET); 2 requests to mirrors; 0 manifest GETs "
         "reached Docker Hub (it meters these; HEADs and mirrors' answers are free); 900 B read"},
        {"ghcr.io/org/app:1", SourceStats{4, 2, 1, 1, 2048, std::nullopt, "97;w=21600", 0, 0},
         "cost: 4 requests (1 manifest HEAD, 2 manifest GETs, 1 blob GET); 2.05 kB read; ratelimit-remaining "
         "97;w=21600"},
        {"registry.test/hello:single", SourceStats{0, 0, 0, 0, 0, std::nullopt, std::nullopt, 0, 0},
         "cost: 0 requests; 0 B read"},
        {"oci:examples/alpine-3.12:3.12", SourceStats{0, 0, 0, 0, 1380, std::nullopt, std::nullopt, 0, 0},
         "cost: no requests; 1.38 kB read from disk"},
    };
    for (const auto &c : cases) {
        INFO(c.reference);
        ImageTree tree = scenario("single").tree;
        auto reference = parse_reference(c.reference);
        REQUIRE(reference);
        tree.reference = *reference;
        tree.stats = c.stats;
        Explanation words = explain(tree);
        std::ostringstream out;
        render::write_text(out, tree, words, {false, false, false, true});
        CHECK_THAT(out.str(), Catch::EndsWith("\n" + c.line + "\n"));
        // The table breaks the same line between its parts, to stay within 80 columns.
        std::ostringstream table;
        render::write_text(table, tree, words, {});
        std::string tail = table.str().substr(table.str().rfind("\ncost: ") + 1);
        CHECK(replace_all(tail, ";\n      ", "; ") == c.line + "\n");
        bool hub = reference->registry() == docker_hub_registry;
        CHECK((out.str().find("Docker Hub") != std::string::npos) == hub);
    }
    ImageTree tree = scenario("single").tree;
    tree.stats = SourceStats{4, 2, 1, 1, 2048, "100;w=21600", "97;w=21600", 0, 0};
    auto document = render::inspect_json(tree, explain(tree), "x");
    CHECK(document["requests"]["dockerHubPulls"] == 2);
    CHECK(document["requests"]["manifestHeads"] == 1);
    CHECK(document["requests"]["ratelimitRemaining"] == "97;w=21600");
}

TEST_CASE("short digests and media type labels", "[render][labels]") {
    struct Case {
        std::string input;
        std::string expected;
    };
    std::vector<Case> digests = {
        {"sha256:74e5ad84a67e9b8ed7609b32dc2460b76175020923d7f494a73a851446222d18", "74e5ad84a67e"},
        {"sha512:" + std::string(128, 'a'), "sha512:aaaaaaaaaaaa"},
        {"blake3:" + std::string(64, 'b'), "blake3:bbbbbbbbbbbb"},
        {"sha256:abc", "abc"},
        {"nocolon", "nocolon"},
    };
    for (const auto &c : digests) {
        INFO(c.input);
        CHECK(render::short_digest(c.input) == c.expected);
    }
    std::vector<Case> types = {
        {std::string(media::oci_index), "oci-index"},
        {std::string(media::docker_manifest_list), "docker-manifest-list"},
        {std::string(media::docker_manifest_v2) + "; charset=utf-8", "docker-manifest"},
        {std::string(media::oci_manifest), "oci-manifest"},
        {std::string(media::docker_config), "docker-config"},
        {std::string(media::oci_empty), "oci-empty"},
        {std::string(media::docker_layer_tar), "docker-layer"}, // what docker save writes
        {std::string(media::docker_manifest_v1_signed), "docker-schema1-signed"},
        {"application/vnd.example.sbom+json", "application/vnd.example.sbom+json"},
        {"application/x\x1b[2J", "application/x\\x1b[2J"},
        {"", "-"},
    };
    for (const auto &c : types) {
        INFO(c.input);
        CHECK(render::media_type_label(c.input) == c.expected);
    }
}
