#include "completion.hpp"

#include <algorithm>
#include <sstream>

namespace digestx::cli {
namespace {

std::vector<std::string> split(const std::string &text, char separator) {
    std::vector<std::string> parts;
    std::string part;
    std::istringstream in(text);
    while (std::getline(in, part, separator))
        if (!part.empty()) parts.push_back(part);
    return parts;
}

// CLI11 keeps no list of accepted values; it names them in the type shown by --help: IsMember
// gives "TEXT:{text,github}", and our own validators "ENUM:text|json|dot". Anything else (ranges,
// FILE, free text) is an open set.
std::vector<std::string> choices_of(const std::string &type_name) {
    std::size_t colon = type_name.find(':');
    if (colon == std::string::npos) return {};
    std::string set = type_name.substr(colon + 1);
    if (set.size() > 2 && set.front() == '{' && set.back() == '}') return split(set.substr(1, set.size() - 2), ',');
    if (set.find('|') != std::string::npos && set.find(' ') == std::string::npos) return split(set, '|');
    return {};
}

std::string first_line(const std::string &text) {
    return text.substr(0, text.find('\n'));
}

CompletionOption option_of(const CLI::Option &option) {
    CompletionOption out;
    for (const std::string &name : option.get_snames())
        out.names.push_back("-" + name);
    for (const std::string &name : option.get_lnames())
        out.names.push_back("--" + name);
    out.description = first_line(option.get_description());
    out.takes_value = option.get_expected_max() > 0; // a flag is expected(0)
    if (out.takes_value) out.choices = choices_of(option.get_type_name());
    return out;
}

std::vector<CompletionOption> options_of(const CLI::App &app) {
    std::vector<CompletionOption> options;
    for (const CLI::Option *option : app.get_options([](const CLI::Option *o) { return o->nonpositional(); }))
        options.push_back(option_of(*option));
    return options;
}

std::string join(const std::vector<std::string> &words, const std::string &separator = " ") {
    std::string out;
    for (const std::string &word : words)
        out += (out.empty() ? "" : separator) + word;
    return out;
}

std::vector<std::string> all_names(const std::vector<CompletionOption> &options) {
    std::vector<std::string> names;
    for (const CompletionOption &option : options)
        names.insert(names.end(), option.names.begin(), option.names.end());
    return names;
}

// Text inside a single-quoted shell word: a quote ends the word, is escaped, and reopens it.
std::string single_quoted(const std::string &text) {
    std::string out = "'";
    for (char c : text)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// zsh _arguments specs end a description at "]" and split fields at ":"; both are backslashed.
std::string zsh_escaped(const std::string &text) {
    std::string out;
    for (char c : text) {
        if (c == '[' || c == ']' || c == ':' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

// One quoted _arguments spec per spelling of each option.
std::vector<std::string> zsh_option_specs(const std::vector<CompletionOption> &options) {
    std::vector<std::string> specs;
    for (const CompletionOption &option : options) {
        for (const std::string &name : option.names) {
            std::string spec = name + "[" + zsh_escaped(option.description) + "]";
            if (option.takes_value)
                spec += option.choices.empty() ? ":value:_files" : ":value:(" + join(option.choices) + ")";
            specs.push_back(single_quoted(spec));
        }
    }
    return specs;
}

// fish's single-quoted strings take \' and \\ as their only escapes.
std::string fish_quoted(const std::string &text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    return out + "'";
}

std::string fish_option_lines(const std::string &program, const std::string &condition,
                              const std::vector<CompletionOption> &options) {
    std::string out;
    for (const CompletionOption &option : options) {
        std::string line = "complete -c " + program + condition;
        for (const std::string &name : option.names)
            line += (name.rfind("--", 0) == 0 ? " -l " + name.substr(2) : " -s " + name.substr(1));
        if (option.takes_value)
            line += option.choices.empty() ? " -r -F" : " -x -a " + fish_quoted(join(option.choices));
        out += line + " -d " + fish_quoted(option.description) + "\n";
    }
    return out;
}

} // namespace

CompletionModel completion_model(const CLI::App &app) {
    CompletionModel model;
    model.program = app.get_name();
    model.globals = options_of(app);
    for (const CLI::App *sub : app.get_subcommands([](const CLI::App *) { return true; })) {
        CompletionCommand command;
        command.name = sub->get_name();
        command.description = first_line(sub->get_description());
        // -h/--help is defined on every command and on the app; offered once, as a global option.
        for (CompletionOption &option : options_of(*sub)) {
            bool global = std::any_of(model.globals.begin(), model.globals.end(),
                                      [&](const CompletionOption &g) { return g.names == option.names; });
            if (!global) command.options.push_back(std::move(option));
        }
        for (const CLI::Option *positional :
             sub->get_options([](const CLI::Option *o) { return o->get_positional(); })) {
            command.takes_arguments = true;
            std::vector<std::string> choices = choices_of(positional->get_type_name());
            command.argument_choices.insert(command.argument_choices.end(), choices.begin(), choices.end());
        }
        model.commands.push_back(std::move(command));
    }
    return model;
}

std::string bash_completion(const CompletionModel &model) {
    std::vector<std::string> command_names;
    // Options that take a value, as one string padded with spaces so that `== *" $word "*` matches
    // a whole name: the word after one of them is its value, not the command.
    std::vector<std::string> valued{""};
    std::string value_cases;
    auto add_values = [&](const std::string &scope, const std::vector<CompletionOption> &options) {
        for (const CompletionOption &option : options) {
            if (!option.takes_value) continue;
            valued.insert(valued.end(), option.names.begin(), option.names.end());
            if (option.choices.empty()) continue;
            std::vector<std::string> patterns;
            for (const std::string &name : option.names)
                patterns.push_back(scope + ":" + name);
            value_cases += "    " + join(patterns, "|") + ") COMPREPLY=($(compgen -W " +
                           single_quoted(join(option.choices)) + " -- \"$cur\")); return ;;\n";
        }
    };
    add_values("*", model.globals);
    std::string option_cases;
    std::string argument_cases;
    for (const CompletionCommand &command : model.commands) {
        command_names.push_back(command.name);
        add_values(command.name, command.options);
        option_cases +=
            "    " + command.name + ") options+=" + single_quoted(" " + join(all_names(command.options))) + " ;;\n";
        if (!command.takes_arguments)
            argument_cases += "    " + command.name + ") return ;;\n";
        else if (!command.argument_choices.empty())
            argument_cases += "    " + command.name + ") COMPREPLY=($(compgen -W " +
                              single_quoted(join(command.argument_choices)) + " -- \"$cur\")); return ;;\n";
    }
    valued.emplace_back("");
    const std::string &p = model.program;
    std::string out;
    out += "# bash completion for " + p + ", generated by `" + p + " completion bash` from its command definitions.\n";
    out += "_" + p + "() {\n";
    out += "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n";
    out += "  local commands=" + single_quoted(join(command_names)) + "\n";
    out += "  local options=" + single_quoted(join(all_names(model.globals))) + "\n";
    out += "  local valued=" + single_quoted(join(valued)) + "\n";
    // Global options may come before the command (and after it: the app falls through), so the
    // command is the first word that is neither an option nor an option's value.
    out += "  local command='' i word\n";
    out += "  for ((i = 1; i < COMP_CWORD; i++)); do\n";
    out += "    word=${COMP_WORDS[i]}\n";
    out += "    if [[ $valued == *\" $word \"* ]]; then ((i++)); continue; fi\n";
    out += "    if [[ $word != -* ]]; then command=$word; break; fi\n";
    out += "  done\n";
    out += "  COMPREPLY=()\n";
    out += "  case $command:$prev in\n" + value_cases + "  esac\n";
    out += "  if [[ $valued == *\" $prev \"* ]]; then COMPREPLY=($(compgen -f -- \"$cur\")); return; fi\n";
    out += "  case $command in\n" + option_cases + "  esac\n";
    out += "  if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W \"$options\" -- \"$cur\")); return; fi\n";
    out += "  if [[ -z $command ]]; then COMPREPLY=($(compgen -W \"$commands\" -- \"$cur\")); return; fi\n";
    out += "  case $command in\n" + argument_cases + "  esac\n";
    out += "  COMPREPLY=($(compgen -f -- \"$cur\"))\n";
    out += "}\n";
    out += "complete -o filenames -F _" + p + " " + p + "\n";
    return out;
}

std::string zsh_completion(const CompletionModel &model) {
    const std::string &p = model.program;
    std::string out = "#compdef " + p + "\n";
    out += "# zsh completion for " + p + ", generated by `" + p + " completion zsh` from its command definitions.\n";
    out += "_" + p + "() {\n";
    out += "  local -a global_options commands\n";
    out += "  local state line\n";
    out += "  global_options=(\n";
    for (const std::string &spec : zsh_option_specs(model.globals))
        out += "    " + spec + "\n";
    out += "  )\n";
    out += "  commands=(\n";
    for (const CompletionCommand &command : model.commands)
        out += "    " + single_quoted(command.name + ":" + command.description) + "\n";
    out += "  )\n";
    out += "  _arguments -C $global_options '1:command:->command' '*::argument:->argument' && return\n";
    out += "  case $state in\n";
    out += "  command) _describe -t commands '" + p + " command' commands ;;\n";
    out += "  argument)\n";
    out += "    case $line[1] in\n";
    for (const CompletionCommand &command : model.commands) {
        std::vector<std::string> specs = zsh_option_specs(command.options);
        if (!command.argument_choices.empty())
            specs.push_back(single_quoted("*:argument:(" + join(command.argument_choices) + ")"));
        else if (command.takes_arguments)
            specs.emplace_back("'*:argument:_files'");
        out += "    " + command.name + ")\n      _arguments $global_options";
        for (const std::string &spec : specs)
            out += " \\\n        " + spec;
        out += " ;;\n";
    }
    out += "    esac ;;\n";
    out += "  esac\n";
    out += "}\n";
    out += "if [[ $funcstack[1] == _" + p + " ]]; then _" + p + " \"$@\"; else compdef _" + p + " " + p + "; fi\n";
    return out;
}

std::string fish_completion(const CompletionModel &model) {
    const std::string &p = model.program;
    std::string out = "# fish completion for " + p + ", generated by `" + p +
                      " completion fish` from its command "
                      "definitions.\n";
    out += "complete -c " + p + " -f\n";
    for (const CompletionCommand &command : model.commands)
        out += "complete -c " + p + " -n __fish_use_subcommand -a " + command.name + " -d " +
               fish_quoted(command.description) + "\n";
    out += fish_option_lines(p, "", model.globals);
    for (const CompletionCommand &command : model.commands) {
        std::string condition = " -n " + fish_quoted("__fish_seen_subcommand_from " + command.name);
        out += fish_option_lines(p, condition, command.options);
        if (!command.argument_choices.empty())
            out += "complete -c " + p + condition + " -a " + fish_quoted(join(command.argument_choices)) + "\n";
        else if (command.takes_arguments)
            out += "complete -c " + p + condition + " -F\n";
    }
    return out;
}

} // namespace digestx::cli
