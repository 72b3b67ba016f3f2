// SPDX-License-Identifier: GPL-2.0-or-later
//
// vdpa: manage vDPA devices. A thin main: options in, one command run,
// exit status out. Everything else lives in the grammar, the commands and
// libvdpa.
#include <cstdio>

#include "batch.hpp"
#include "help.hpp"
#include "options.hpp"
#include "report.hpp"
#include "run.hpp"
#include "session.hpp"
#include "version.hpp"

namespace {

using namespace vdpa::cli;

// Output that never reached its file is a failure, not a success: a
// script writing `vdpa -j dev show >file` on a full disk must not take an
// empty file for "no devices". (iproute2 exits 0 there.)
int finish(Output& out, Output& err, int status)
{
    out.flush();
    if (out.failed()) {
        print_error(err, vdpa::Error::system(out.error(), "cannot write the output"));
        status = 1;
    }
    err.flush();
    return err.failed() ? 1 : status;
}

int run(int argc, char** argv, Output& out, Output& err)
{
    auto options = parse_options(argc, argv);
    if (!options) {
        // getopt's message and iproute2's, then the usage text.
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
    // With -b, -f means "go on after a failing line" (as `ip -batch -force`);
    // forcing an in-use device is a per-line -f there (batch.hpp).
    if (options->batch)
        return run_batch_file(session, *options->batch, options->words, options->force);
    session.set_force(options->force);
    return run_command_line(session, options->words);
}

} // namespace

int main(int argc, char** argv)
{
    Output out(stdout);
    Output err(stderr);
    return finish(out, err, run(argc, argv, out, err));
}
