#pragma once
/// @file
/// The output of `digestx which`: for each image the digest was found in, one line per place with
/// the sentence that says what it is; or the versioned JSON document. Pure: writes to a stream.

#include <iosfwd>
#include <string>
#include <vector>

#include "digestx/core/image_tree.hpp"
#include "digestx/explain/which.hpp"

namespace digestx::render {

/// One image a digest was found in.
struct WhichFound {
    std::string reference;            ///< the image as named (canonical)
    std::vector<std::string> origins; ///< `--in`: "FILE:LINE" of every reference to it; empty otherwise
    const ImageTree *tree = nullptr;  ///< its graph (holders name its nodes)
    std::vector<WhichPlace> places;   ///< where the digest sits in it
};

/// The digest, then per image its name (and origins) and one indented line per place; layers
/// and diff_ids list every manifest holding them. Strings from documents are escaped.
void write_which_text(std::ostream &out, const std::string &digest, const std::vector<WhichFound> &found,
                      bool full_digests);

/// `{"schemaVersion":1,"query","digest","images":[{"reference","origins","places":[…]}]}`, every
/// digest in full.
void write_which_json(std::ostream &out, const std::string &query, const std::string &digest,
                      const std::vector<WhichFound> &found);

} // namespace digestx::render
