// SPDX-License-Identifier: GPL-2.0-or-later
//
// vdpa: manage vDPA devices. A thin main: options in, one command run,
// exit status out. Everything else lives in the grammar, the commands and
// libvdpa.
#include <cstdio>

#include "batch.hpp"
#include "help.hpp"
#include "options.hpp"
#include "run.hpp"
#include "session.hpp"
#include "version.hpp"

int main(int argc, char** argv)
{
    using namespace vdpa::cli;
    Output out(stdout);
    Output err(stderr);

    auto options = parse_options(argc, argv);
    if (!options) {
        err.print("{}\n", options.error().message);
        err.write(help_text(grammar_root(), ""));
        return 1;
    }
    if (options->version) {
        out.print("vdpa utility, vdpa-{}\n", vdpa_version);
        return 0;
    }
    if (options->help) {
        err.write(help_text(grammar_root(), ""));
        return 0;
    }

    Session session(RenderOptions{options->json, options->pretty, options->details}, out, err);
    session.set_force(options->force);
    if (options->batch)
        return run_batch_file(session, *options->batch, options->words);
    return run_command_line(session, options->words);
}
