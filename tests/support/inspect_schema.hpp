#pragma once
/// @file
/// Checks an `inspect -o json` document against the schema tables of docs/inspect-json.md, so
/// the documentation cannot drift from the output: every key present where the page says, no
/// key the page does not name, every value of the documented type.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace digestx::test {

/// One row of a schema table.
struct SchemaField {
    std::string key;  ///< the JSON key
    std::string type; ///< as written: "string or null", "array of node", ...
    std::string when; ///< "always", "read manifest", "image config", "attestation entry"
};

/// The schema as docs/inspect-json.md writes it.
struct InspectSchema {
    std::vector<std::pair<std::string, std::vector<SchemaField>>> objects; ///< "### `name`" tables
    std::vector<std::string> roles;                                        ///< the Roles table
};

/// Reads docs/inspect-json.md from the source tree.
InspectSchema load_inspect_schema();

/// The JSON example the page shows, or "" when it has none.
std::string inspect_schema_example();

/// Every way `document` departs from the schema, each naming its JSON path; empty when it conforms.
std::vector<std::string> check_inspect_schema(const nlohmann::json &document);

} // namespace digestx::test
