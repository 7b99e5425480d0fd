// `digestx completion bash|zsh|fish`: the completion script of a shell, generated from the app's
// own command definitions (completion.cpp), so the installed scripts and the binary agree.
#include <memory>
#include <ostream>
#include <string>

#include "command.hpp"
#include "commands.hpp"
#include "completion.hpp"

namespace digestx::cli {

void setup_completion_command(CLI::App &app, Invocation &invocation) {
    auto shell = std::make_shared<std::string>();
    CLI::App *command = app.add_subcommand("completion", "Print the shell completion script of bash, zsh or fish");
    command->add_option("SHELL", *shell, "bash, zsh or fish")
        ->required()
        ->check(CLI::IsMember({"bash", "zsh", "fish"}));
    command->footer(
        "Installed packages put the scripts where each shell finds them; without them, load one by hand.\n\n"
        "Examples:\n"
        "  digestx completion bash > ~/.local/share/bash-completion/completions/digestx\n"
        "  digestx completion zsh > ~/.zfunc/_digestx\n"
        "  digestx completion fish > ~/.config/fish/completions/digestx.fish");
    // The app outlives the run: cli::run() parses and runs within one scope.
    const CLI::App *root = &app;
    command->callback([shell, root, &invocation] {
        invocation.run = [shell, root](Context &ctx, const GlobalOptions &) -> Result<int> {
            CompletionModel model = completion_model(*root);
            if (*shell == "bash") ctx.out << bash_completion(model);
            if (*shell == "zsh") ctx.out << zsh_completion(model);
            if (*shell == "fish") ctx.out << fish_completion(model);
            return 0;
        };
    });
}

} // namespace digestx::cli
