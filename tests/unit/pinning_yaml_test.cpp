// The YAML scanners: Compose services, Kubernetes pod specs and workflow jobs, with anchors,
// aliases, merge keys, every scalar style, and the byte spans checked against the file.
#include <catch2/catch.hpp>

#include "pinning_test_support.hpp"

using digestx::pinning::ContextKind;
using digestx::pinning::FileKind;
using digestx::pinning::OccurrenceStatus;
using digestx::pinning::TextStyle;
using digestx::test::occurrence_of;
using digestx::test::scan_ok;

namespace {

struct Row {
    std::size_t line, column;
    std::string text;
    OccurrenceStatus status;
    TextStyle style;
    bool rewritable;
    ContextKind kind;
    std::string name;
    std::string owner;
    std::string path;
};

void check_rows(const digestx::pinning::FileScan &scan, const std::vector<Row> &rows) {
    REQUIRE(scan.occurrences.size() == rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto &got = scan.occurrences[i];
        const auto &want = rows[i];
        INFO("row " << i << ": " << want.text << " (" << got.span_problem << ")");
        CHECK(got.line == want.line);
        CHECK(got.column == want.column);
        CHECK(got.text == want.text);
        CHECK(got.status == want.status);
        CHECK(got.style == want.style);
        CHECK(got.span.has_value() == want.rewritable);
        CHECK(got.context.kind == want.kind);
        CHECK(got.context.name == want.name);
        CHECK(got.context.owner == want.owner);
        CHECK(got.context.path == want.path);
    }
}

using S = OccurrenceStatus;
using T = TextStyle;
using K = ContextKind;

} // namespace

TEST_CASE("the Compose fixture: anchors, aliases, merge keys, quoting, templates", "[pinning][yaml]") {
    auto bytes = digestx::test::pinning_fixture("compose.yaml");
    auto scan = scan_ok("compose.yaml", bytes);
    CHECK(scan.kind == FileKind::Compose);
    check_rows(scan, {
                         {3, 11, "redis:7.2", S::Valid, T::YamlDoubleQuoted, true, K::ComposeService, "cache", "",
                          "services.cache.image"},
                         {6, 26, "ghcr.io/org/app:1.4", S::Valid, T::YamlSingleQuoted, true, K::ComposeService, "web",
                          "", "services.web.image"},
                         {20, 12, "docker.io/library/postgres:16", S::Valid, T::YamlPlain, true, K::ComposeService,
                          "db", "", "services.db.image"},
                         {22, 12, "${PROXY_IMAGE:-nginx:1.25}", S::Dynamic, T::YamlPlain, true, K::ComposeService,
                          "proxy", "", "services.proxy.image"},
                         {25, 19, "busybox:1.36", S::Valid, T::YamlDoubleQuoted, true, K::ComposeService, "tools", "",
                          "services.tools.image"},
                         {26, 20, "Not/Valid:1", S::Invalid, T::YamlSingleQuoted, true, K::ComposeService, "broken", "",
                          "services.broken.image"},
                     });
    // Reported once at the anchor, with every service that uses it.
    const auto &redis = occurrence_of(scan, "redis:7.2");
    REQUIRE(redis.other_contexts.size() == 1);
    CHECK(redis.other_contexts[0].name == "cache-replica");
    const auto &app = occurrence_of(scan, "ghcr.io/org/app:1.4");
    REQUIRE(app.other_contexts.size() == 1);
    CHECK(app.other_contexts[0].name == "worker");
    CHECK(app.context.line == 15);
    CHECK(app.other_contexts[0].line == 18);
    CHECK(occurrence_of(scan, "Not/Valid:1").error->code == digestx::ErrorCode::Usage);
    CHECK(occurrence_of(scan, "docker.io/library/postgres:16").reference->familiar() == "postgres:16");
}

TEST_CASE("the Kubernetes fixture: workloads, CronJob, Pod, List, digests without tags", "[pinning][yaml]") {
    auto bytes = digestx::test::pinning_fixture("kubernetes.yaml");
    auto scan = scan_ok("deploy/all.yaml", bytes);
    CHECK(scan.kind == FileKind::Kubernetes);
    const std::string tpl = "spec.template.spec.";
    check_rows(scan,
               {
                   {10, 18, "ghcr.io/org/migrate:2.0", S::Valid, T::YamlPlain, true, K::KubernetesContainer, "migrate",
                    "Deployment/web", tpl + "initContainers[0].image"},
                   {13, 19, "ghcr.io/org/app:1.4", S::Valid, T::YamlDoubleQuoted, true, K::KubernetesContainer, "app",
                    "Deployment/web", tpl + "containers[0].image"},
                   {15, 18, "busybox@" + digestx::test::old_digest, S::Valid, T::YamlPlain, true,
                    K::KubernetesContainer, "sidecar", "Deployment/web", tpl + "containers[1].image"},
                   {29, 23, "quay.io/org/report:5", S::Valid, T::YamlSingleQuoted, true, K::KubernetesContainer,
                    "report", "CronJob/nightly", "spec.jobTemplate." + tpl + "containers[0].image"},
                   {40, 15, "{{ .Values.image }}", S::Dynamic, T::YamlDoubleQuoted, true, K::KubernetesContainer,
                    "main", "Pod/debug", "spec.containers[0].image"},
                   {43, 14, "nicolaka/netshoot", S::Valid, T::YamlPlain, true, K::KubernetesContainer, "debugger",
                    "Pod/debug", "spec.ephemeralContainers[0].image"},
                   {61, 46, "docker.io/datadog/agent:7", S::Valid, T::YamlDoubleQuoted, true, K::KubernetesContainer,
                    "agent", "DaemonSet/agent", "items[0]." + tpl + "containers[0].image"},
                   {69, 18, "localhost:5000/lone:dev", S::Valid, T::YamlPlain, true, K::KubernetesContainer, "lone",
                    "Pod/lone", "items[1].spec.containers[0].image"},
               });
    const auto &sidecar = occurrence_of(scan, "busybox@" + digestx::test::old_digest);
    CHECK_FALSE(sidecar.reference->tag());
    CHECK(sidecar.reference->digest()->str() == digestx::test::old_digest);
}

TEST_CASE("the workflow fixture: container, services and docker:// steps", "[pinning][yaml]") {
    auto bytes = digestx::test::pinning_fixture("workflows/ci.yml");
    auto scan = scan_ok(".github/workflows/ci.yml", bytes);
    CHECK(scan.kind == FileKind::Workflow);
    check_rows(scan, {
                         {8, 16, "node:20-bookworm", S::Valid, T::YamlPlain, true, K::WorkflowContainer, "build", "",
                          "jobs.build.container"},
                         {11, 16, "redis:7", S::Valid, T::YamlPlain, true, K::WorkflowService, "redis", "build",
                          "jobs.build.services.redis.image"},
                         {13, 17, "postgres:16", S::Valid, T::YamlDoubleQuoted, true, K::WorkflowService, "db", "build",
                          "jobs.build.services.db.image"},
                         {19, 24, "hadolint/hadolint:v2.12.0", S::Valid, T::YamlPlain, true, K::WorkflowStep, "lint",
                          "build", "jobs.build.steps[1].uses"},
                         {20, 25, "alpine:3.19", S::Valid, T::YamlSingleQuoted, true, K::WorkflowStep, "", "build",
                          "jobs.build.steps[2].uses"},
                         {26, 14, "ghcr.io/org/ci-image:2", S::Valid, T::YamlPlain, true, K::WorkflowContainer, "test",
                          "", "jobs.test.container.image"},
                         {35, 16, "${{ matrix.image }}", S::Dynamic, T::YamlPlain, true, K::WorkflowContainer, "matrix",
                          "", "jobs.matrix.container"},
                     });
}

TEST_CASE("YAML scalar styles map to exact spans or say why not", "[pinning][yaml]") {
    struct Case {
        std::string name;
        std::string yaml;
        std::string text;
        TextStyle style;
        bool rewritable;
    };
    std::vector<Case> cases = {
        {"plain", "services:\n  a:\n    image: alpine:3\n", "alpine:3", T::YamlPlain, true},
        {"plain with comment", "services:\n  a:\n    image: alpine:3 # c\n", "alpine:3", T::YamlPlain, true},
        {"double", "services:\n  a:\n    image: \"alpine:3\"\n", "alpine:3", T::YamlDoubleQuoted, true},
        {"single", "services:\n  a:\n    image: 'alpine:3'\n", "alpine:3", T::YamlSingleQuoted, true},
        {"double with escape", "services:\n  a:\n    image: \"alpine\\x3a3\"\n", "alpine:3", T::YamlDoubleQuoted,
         false},
        {"double with unicode escape", "services:\n  a:\n    image: \"alpine\\u003a3\"\n", "alpine:3",
         T::YamlDoubleQuoted, false},
        {"single with doubled quote", "services:\n  a:\n    image: 'it''s'\n", "it's", T::YamlSingleQuoted, false},
        {"tagged", "services:\n  a:\n    image: !!str alpine:3\n", "alpine:3", T::YamlPlain, true},
        {"anchor then value on the next line", "services:\n  a:\n    image: &i\n      alpine:3\n", "alpine:3",
         T::YamlPlain, true},
        {"anchor and tag", "services:\n  a:\n    image: &i !!str 'alpine:3'\n", "alpine:3", T::YamlSingleQuoted, true},
        {"flow mapping", "services: {a: {image: alpine:3}}\n", "alpine:3", T::YamlPlain, true},
        {"flow mapping, quoted", "services: {a: {image: \"alpine:3\", x: 1}}\n", "alpine:3", T::YamlDoubleQuoted, true},
        {"folded plain", "services:\n  a:\n    image: alpine\n      :3\n", "alpine :3", T::YamlPlain, false},
        {"folded double", "services:\n  a:\n    image: \"alpine\n      :3\"\n", "alpine :3", T::YamlDoubleQuoted,
         false},
        {"literal block", "services:\n  a:\n    image: |-\n      alpine:3\n", "alpine:3", T::YamlPlain, false},
        {"folded block", "services:\n  a:\n    image: >-\n      alpine:3\n", "alpine:3", T::YamlPlain, false},
        {"CRLF and byte order mark", "\xEF\xBB\xBFservices:\r\n  a:\r\n    image: alpine:3\r\n", "alpine:3",
         T::YamlPlain, true},
        {"multi-byte text before",
         "services:\n  w\xC3\xA9"
         "b:\n    image: \"alpine:3\" # \xC3\xA9\n",
         "alpine:3", T::YamlDoubleQuoted, true},
        {"non-ASCII on the same line", "services: {\xC3\xA9: {image: alpine:3}}\n", "alpine:3", T::YamlPlain, true},
        {"document start marker", "---\nservices:\n  a:\n    image: alpine:3\n...\n", "alpine:3", T::YamlPlain, true},
    };
    for (const auto &c : cases) {
        INFO(c.name << "\n" << c.yaml);
        auto scan = scan_ok("compose.yaml", c.yaml);
        REQUIRE(scan.occurrences.size() == 1);
        const auto &got = scan.occurrences[0];
        INFO("problem: " << got.span_problem);
        CHECK(got.text == c.text);
        CHECK(got.span.has_value() == c.rewritable);
        if (c.rewritable) CHECK(got.style == c.style);
    }
}

TEST_CASE("YAML templates and odd shapes", "[pinning][yaml]") {
    struct Case {
        std::string name;
        std::string yaml;
        std::vector<std::pair<std::string, OccurrenceStatus>> expected;
        std::size_t warnings;
    };
    std::vector<Case> cases = {
        {"env template", "services:\n  a:\n    image: ${IMAGE}\n", {{"${IMAGE}", S::Dynamic}}, 0},
        {"bare variable", "services:\n  a:\n    image: registry/$NAME:1\n", {{"registry/$NAME:1", S::Dynamic}}, 0},
        {"escaped dollar is no template", "services:\n  a:\n    image: a$$b\n", {{"a$$b", S::Invalid}}, 0},
        {"helm template",
         "services:\n  a:\n    image: \"{{ .Values.image }}\"\n",
         {{"{{ .Values.image }}", S::Dynamic}},
         0},
        {"no image (build only)", "services:\n  a:\n    build: .\n", {}, 0},
        {"image is a list", "services:\n  a:\n    image: [x]\n", {}, 1},
        {"image is null", "services:\n  a:\n    image:\n", {}, 1},
        {"services is a list", "services:\n  - image: alpine\n", {}, 0},
        {"service is a string", "services:\n  a: alpine\n", {}, 0},
        {"empty image", "services:\n  a:\n    image: ''\n", {{"", S::Invalid}}, 0},
        {"merge list",
         "x: &a {restart: always}\ny: &b {image: alpine:3}\nservices:\n  s:\n    <<: [*a, *b]\n",
         {{"alpine:3", S::Valid}},
         0},
        {"explicit key wins over merge",
         "x: &b {image: busybox:1}\nservices:\n  s:\n    <<: *b\n    image: alpine:3\n",
         {{"alpine:3", S::Valid}},
         0},
        {"self-merging anchor",
         "services:\n  s: &s\n    image: alpine:3\n  t:\n    <<: *s\n",
         {{"alpine:3", S::Valid}},
         0},
        {"local source prefix", "services:\n  a:\n    image: oci:/tmp/layout\n", {{"oci:/tmp/layout", S::Invalid}}, 0},
    };
    for (const auto &c : cases) {
        INFO(c.name << "\n" << c.yaml);
        auto scan = scan_ok("compose.yaml", c.yaml);
        REQUIRE(scan.occurrences.size() == c.expected.size());
        for (std::size_t i = 0; i < c.expected.size(); ++i) {
            CHECK(scan.occurrences[i].text == c.expected[i].first);
            CHECK(scan.occurrences[i].status == c.expected[i].second);
        }
        CHECK(scan.warnings.size() == c.warnings);
    }
}

TEST_CASE("Kubernetes shapes: any pod template, PodTemplate, nested Lists", "[pinning][yaml]") {
    struct Case {
        std::string name;
        std::string yaml;
        std::vector<std::string> paths;
    };
    std::vector<Case> cases = {
        {"StatefulSet",
         "kind: StatefulSet\nspec:\n  template:\n    spec:\n      containers: [{image: a:1}]\n",
         {"spec.template.spec.containers[0].image"}},
        {"ReplicaSet and Job shapes without kind",
         "spec:\n  template:\n    spec:\n      initContainers: [{image: a:1}]\n      containers: [{image: b:1}]\n",
         {"spec.template.spec.initContainers[0].image", "spec.template.spec.containers[0].image"}},
        {"PodTemplate",
         "kind: PodTemplate\ntemplate:\n  spec:\n    containers: [{image: a:1}]\n",
         {"template.spec.containers[0].image"}},
        {"nested List",
         "kind: List\nitems:\n- kind: List\n  items:\n  - kind: Pod\n    spec:\n      containers: [{image: a:1}]\n",
         {"items[0].items[0].spec.containers[0].image"}},
        {"ConfigMap data is not an image", "kind: ConfigMap\ndata:\n  image: a:1\n", {}},
        {"a container without image", "kind: Pod\nspec:\n  containers: [{name: x}]\n", {}},
        {"empty documents",
         "---\n---\nkind: Pod\nspec:\n  containers: [{image: a:1}]\n---\n",
         {"spec.containers[0].image"}},
        {"alias cycle in items", "kind: List\nitems: &i\n- kind: List\n  items: *i\n", {}},
    };
    for (const auto &c : cases) {
        INFO(c.name << "\n" << c.yaml);
        auto scan = scan_ok("k8s.yaml", c.yaml, FileKind::Kubernetes);
        REQUIRE(scan.occurrences.size() == c.paths.size());
        for (std::size_t i = 0; i < c.paths.size(); ++i)
            CHECK(scan.occurrences[i].context.path == c.paths[i]);
    }
}

TEST_CASE("workflow steps: only docker:// uses are images", "[pinning][yaml]") {
    std::string yaml = "on: push\njobs:\n  j:\n    steps:\n"
                       "      - uses: actions/checkout@v4\n"
                       "      - uses: ./local-action\n"
                       "      - id: scan\n        uses: \"docker://ghcr.io/org/scan:1\"\n"
                       "      - uses: docker://\n"
                       "      - run: echo docker://not-a-step:1\n";
    auto scan = scan_ok(".github/workflows/x.yaml", yaml);
    REQUIRE(scan.occurrences.size() == 2);
    CHECK(scan.occurrences[0].text == "ghcr.io/org/scan:1");
    CHECK(scan.occurrences[0].context.name == "scan");
    CHECK(scan.occurrences[0].style == TextStyle::YamlDoubleQuoted);
    CHECK(scan.occurrences[1].text.empty());
    CHECK(scan.occurrences[1].status == S::Invalid);
}

TEST_CASE("malformed YAML is a per-file usage error with a position", "[pinning][yaml]") {
    std::vector<std::pair<std::string, std::string>> cases = {
        {"services:\n  a: [b\n", "line 3"},         {"services:\n  a: *undefined\n", "line 2"},
        {"services:\n\t- tab\n", "malformed YAML"}, {"a: b: c\n", "line 1, column 5"},
        {"a: \"x\\q\"\n", "unknown escape"},        {",\n", "flow indicator"},
        {"services: {a: 1\n", "malformed YAML"},    {"a: b\n c: d\n", "malformed YAML"},
    };
    for (const auto &[yaml, where] : cases) {
        INFO(yaml);
        auto scan = digestx::pinning::scan_file("compose.yaml", yaml);
        REQUIRE_FALSE(scan);
        CHECK(scan.error().code == digestx::ErrorCode::Usage);
        CHECK(scan.error().message.find("malformed YAML in \"compose.yaml\"") == 0);
        CHECK(scan.error().message.find(where) != std::string::npos);
    }
}

TEST_CASE("a malformed document of a multi-document file hides none of the others", "[pinning][yaml]") {
    const auto bytes = digestx::test::pinning_fixture("kubernetes-bad-document.yaml");
    for (const std::string &prefix : {std::string(), std::string("\xEF\xBB\xBF")}) {
        for (bool crlf : {false, true}) {
            INFO("byte order mark " << !prefix.empty() << ", CRLF " << crlf);
            std::string text = prefix;
            for (char c : bytes)
                text += crlf && c == '\n' ? std::string("\r\n") : std::string(1, c);
            auto scan = scan_ok("deploy/all.yaml", text);
            CHECK(scan.kind == FileKind::Kubernetes);
            const std::string tpl = "spec.template.spec.";
            check_rows(scan, {
                                 {11, 18, "ghcr.io/org/web:2.1", S::Valid, T::YamlPlain, true, K::KubernetesContainer,
                                  "web", "Deployment/web", tpl + "containers[0].image"},
                                 {32, 19, "ghcr.io/org/migrate:2.1", S::Valid, T::YamlDoubleQuoted, true,
                                  K::KubernetesContainer, "migrate", "Job/migrate", tpl + "containers[0].image"},
                             });
            REQUIRE(scan.bad_documents.size() == 1);
            const auto &bad = scan.bad_documents.front();
            CHECK(bad.first_line == 12);
            CHECK(bad.last_line == 21);
            CHECK(bad.line == 21);
            CHECK(bad.error.code == digestx::ErrorCode::Usage);
            CHECK_THAT(bad.error.message,
                       Catch::StartsWith("malformed YAML in \"deploy/all.yaml\" at line 21, column " +
                                         std::to_string(bad.column) + " (document 2 of 3, lines 12-21): "));
        }
    }
}

TEST_CASE("documents are cut at --- lines as kubectl cuts them", "[pinning][yaml]") {
    const std::string pod = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: alpine:3\n";
    struct Case {
        std::string name;
        std::string yaml;
        std::size_t occurrences;
        std::vector<std::string> bad; // the "(document N of M, lines A-B)" of each bad document
    };
    const std::vector<Case> cases = {
        {"directives and comments before --- stay with their document",
         "%YAML 1.2\n# the first\n---\n" + pod + "---\nbroken: [\n",
         1,
         {"(document 2 of 2, lines 9-10)"}},
        {"--- followed by a comment or a blank is a cut",
         pod + "--- # next\nbroken: [\n--- \n" + pod,
         2,
         {"(document 2 of 3, lines 6-7)"}},
        {"---x is a scalar, not a cut", pod + "---x: [\n", 0, {}},
        {"every document broken",
         "a: [\n---\nb: {\n",
         0,
         {"(document 1 of 2, lines 1-1)", "(document 2 of 2, lines 2-3)"}},
        {"an empty document between two", pod + "---\n---\nbroken: [\n", 1, {"(document 3 of 3, lines 7-8)"}},
    };
    for (const auto &c : cases) {
        INFO(c.name << "\n" << c.yaml);
        auto scan = digestx::pinning::scan_file("all.yaml", c.yaml);
        if (c.bad.empty() && c.occurrences == 0) {
            // Not cut, so the one document is malformed as a whole: the file is refused as before.
            REQUIRE_FALSE(scan);
            CHECK_THAT(scan.error().message, Catch::StartsWith("malformed YAML in \"all.yaml\" at line 7"));
            continue;
        }
        REQUIRE(scan);
        digestx::test::check_scan_invariants(c.yaml, *scan);
        CHECK(scan->occurrences.size() == c.occurrences);
        REQUIRE(scan->bad_documents.size() == c.bad.size());
        for (std::size_t i = 0; i < c.bad.size(); ++i)
            CHECK_THAT(scan->bad_documents[i].error.message, Catch::Contains(c.bad[i]));
    }

    // A document without kind or name is named by its place in the file, bad documents counted.
    auto numbered = scan_ok("all.yaml", "a: [\n---\nspec:\n  containers:\n    - image: alpine:3\n");
    REQUIRE(numbered.occurrences.size() == 1);
    CHECK(numbered.occurrences[0].context.owner == "document 2");
    CHECK(numbered.occurrences[0].line == 5);
}
