#include "support/inspect_schema.hpp"

#include <algorithm>
#include <sstream>

#include "support/process.hpp"

namespace digestx::test {
namespace {

std::string trim(const std::string &text) {
    auto begin = text.find_first_not_of(' ');
    auto end = text.find_last_not_of(' ');
    return begin == std::string::npos ? std::string() : text.substr(begin, end - begin + 1);
}

std::vector<std::string> cells(const std::string &line) {
    std::vector<std::string> out;
    std::stringstream stream(line.substr(1));
    std::string cell;
    while (std::getline(stream, cell, '|'))
        out.push_back(trim(cell));
    return out;
}

std::string unquote(const std::string &cell) {
    if (cell.size() >= 2 && cell.front() == '`' && cell.back() == '`') return cell.substr(1, cell.size() - 2);
    return cell;
}

std::string read_doc() {
    return read_file(source_dir() + "/docs/inspect-json.md");
}

class Checker {
public:
    explicit Checker(InspectSchema schema) : m_schema(std::move(schema)) {}

    void object(const nlohmann::json &value, const std::string &name, const std::string &path);
    void typed(const nlohmann::json &value, const std::string &type, const std::string &path);
    std::vector<std::string> problems;

private:
    const std::vector<SchemaField> *fields(const std::string &name) const {
        for (const auto &[object_name, object_fields] : m_schema.objects) {
            if (object_name == name) return &object_fields;
        }
        return nullptr;
    }
    bool applies(const std::string &when, const nlohmann::json &node, const std::string &path);
    InspectSchema m_schema;
};

bool Checker::applies(const std::string &when, const nlohmann::json &node, const std::string &path) {
    if (when == "always") return true;
    // "A or B": the key belongs on nodes of either kind.
    if (auto split = when.find(" or "); split != std::string::npos) {
        bool first = applies(when.substr(0, split), node, path);
        return applies(when.substr(split + 4), node, path) || first;
    }
    std::string role = node.contains("role") && node["role"].is_string() ? node["role"].get<std::string>() : "";
    if (when == "read manifest") {
        return role == "single-manifest" || role == "platform-manifest" || role == "attestation" ||
               role == "artifact" || role == "schema1";
    }
    if (when == "image config") return role == "image-config";
    if (when == "referrer") return role == "referrer";
    if (when == "attestation entry") {
        const auto *annotations = node.contains("annotations") ? &node["annotations"] : nullptr;
        return annotations != nullptr && annotations->is_object() &&
               annotations->value("vnd.docker.reference.type", "") == "attestation-manifest";
    }
    problems.push_back(path + ": the page uses an unknown condition \"" + when + "\"");
    return false;
}

void Checker::typed(const nlohmann::json &value, const std::string &type, const std::string &path) {
    const std::string or_null = " or null";
    if (type.size() > or_null.size() && type.ends_with(or_null)) {
        if (!value.is_null()) typed(value, type.substr(0, type.size() - or_null.size()), path);
        return;
    }
    if (type.starts_with("array of ")) {
        if (!value.is_array()) {
            problems.push_back(path + ": expected " + type + ", got " + value.type_name());
            return;
        }
        for (std::size_t i = 0; i < value.size(); ++i)
            typed(value[i], type.substr(9), path + "[" + std::to_string(i) + "]");
        return;
    }
    bool ok = true;
    if (type == "integer") {
        ok = value.is_number_integer();
    } else if (type == "string") {
        ok = value.is_string();
    } else if (type == "boolean") {
        ok = value.is_boolean();
    } else if (type == "map of string") {
        ok = value.is_object() && std::all_of(value.begin(), value.end(), [](const auto &v) { return v.is_string(); });
    } else if (fields(type) != nullptr) {
        object(value, type, path);
        return;
    } else {
        problems.push_back(path + ": the page names an unknown type \"" + type + "\"");
        return;
    }
    if (!ok) problems.push_back(path + ": expected " + type + ", got " + value.type_name());
}

void Checker::object(const nlohmann::json &value, const std::string &name, const std::string &path) {
    if (!value.is_object()) {
        problems.push_back(path + ": expected object " + name + ", got " + value.type_name());
        return;
    }
    const auto &documented = *fields(name);
    for (const auto &field : documented) {
        bool expected = applies(field.when, value, path);
        bool present = value.contains(field.key);
        if (expected && !present) problems.push_back(path + ": missing key \"" + field.key + "\"");
        if (!expected && present)
            problems.push_back(path + ": key \"" + field.key + "\" only belongs on " + field.when);
        if (present) typed(value[field.key], field.type, path + "." + field.key);
    }
    for (const auto &item : value.items()) {
        bool known = std::any_of(documented.begin(), documented.end(),
                                 [&](const SchemaField &field) { return field.key == item.key(); });
        if (!known) problems.push_back(path + ": key \"" + item.key() + "\" is not documented for " + name);
    }
    if (name == "node" && value.contains("role") && value["role"].is_string()) {
        const auto &roles = m_schema.roles;
        if (std::find(roles.begin(), roles.end(), value["role"].get<std::string>()) == roles.end())
            problems.push_back(path + ".role: undocumented role " + value["role"].dump());
    }
}

} // namespace

InspectSchema load_inspect_schema() {
    InspectSchema schema;
    std::stringstream doc(read_doc());
    std::string line;
    std::string section;
    while (std::getline(doc, line)) {
        if (line.starts_with("#")) {
            auto tick = line.find('`');
            section = line.starts_with("### `") && tick != std::string::npos
                          ? line.substr(tick + 1, line.find('`', tick + 1) - tick - 1)
                          : (line == "## Roles" ? std::string("roles") : std::string());
            if (line.starts_with("### `")) schema.objects.emplace_back(section, std::vector<SchemaField>{});
            continue;
        }
        if (section.empty() || !line.starts_with("| `")) continue;
        auto row = cells(line);
        if (section == "roles") {
            schema.roles.push_back(unquote(row.at(0)));
        } else if (row.size() >= 3) {
            schema.objects.back().second.push_back({unquote(row[0]), row[1], row[2]});
        }
    }
    return schema;
}

std::string inspect_schema_example() {
    std::string doc = read_doc();
    auto start = doc.find("```json\n");
    if (start == std::string::npos) return {};
    start += 8;
    auto end = doc.find("```", start);
    return doc.substr(start, end - start);
}

std::vector<std::string> check_inspect_schema(const nlohmann::json &document) {
    InspectSchema schema = load_inspect_schema();
    // A page the parser cannot read would make every document "conform": refuse that outright.
    if (schema.objects.size() < 10 || schema.roles.size() < 10) {
        return {"docs/inspect-json.md: expected at least 10 object tables and 10 roles, found " +
                std::to_string(schema.objects.size()) + " and " + std::to_string(schema.roles.size())};
    }
    Checker checker(std::move(schema));
    checker.object(document, "document", "$");
    return checker.problems;
}

} // namespace digestx::test
