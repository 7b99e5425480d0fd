#include "commands.hpp"

namespace digestx::cli {

const std::vector<CommandSetup> &all_commands() {
    static const std::vector<CommandSetup> commands = {
        setup_ref_command,    setup_digest_command, setup_inspect_command, setup_manifest_command,
        setup_config_command, setup_tags_command,   setup_verify_command,  setup_check_command,
        setup_pin_command,    setup_which_command,  setup_diff_command,    setup_completion_command};
    return commands;
}

} // namespace digestx::cli
