// SPDX-License-Identifier: GPL-2.0-or-later
//
// vdpa state show / vdpa state apply FILE [ prune ] [ check ] [ wait SECONDS ]:
// the host's devices as a state file, and making the host match one.
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <vdpa/state.hpp>

#include "commands/commands.hpp"
#include "commands/serving.hpp"
#include "render/state_renderer.hpp"
#include "report.hpp"
#include "session.hpp"

namespace vdpa::cli {
namespace {

Result<std::string> read_all(const std::string& name)
{
    bool is_stdin = name == "-";
    std::FILE* file = is_stdin ? stdin : std::fopen(name.c_str(), "re");
    if (!file)
        return Error::system(errno, "cannot open the state file \"" + name + "\"");
    std::string text;
    char buffer[65536];
    std::size_t count;
    while ((count = std::fread(buffer, 1, sizeof buffer, file)) > 0)
        text.append(buffer, count);
    int failed = std::ferror(file) ? (errno ? errno : EIO) : 0;
    if (!is_stdin)
        std::fclose(file);
    if (failed)
        return Error::system(failed, "cannot read the state file \"" + name + "\"");
    return text;
}

// A JSON document ends with a newline: the one run_command_line (or a
// batch) prints after every -j command, or ours, since `state show`
// prints JSON without -j too.
void end_document(Session& session)
{
    if (session.render_options().json)
        session.document_printed();
    else
        session.out().put('\n');
}

} // namespace

int state_show(Session& session, const Arguments&)
{
    Host* host = session.host();
    if (!host)
        return 1;
    auto state = read_host_state(*host);
    if (!state)
        return session.fail(state.error());
    // The devices vdpa serves itself are shown with their backend keys.
    const DeviceServing serving = vdpa::device::served_device_hooks(serving_setup());
    serving.describe(*state);
    render_state_spec(session.out(), state_spec_of(*state), session.render_options().pretty);
    end_document(session);
    return 0;
}

int state_apply(Session& session, const Arguments& arguments)
{
    const std::string& name = *arguments.file;
    auto text = read_all(name);
    if (!text)
        return session.fail(text.error());
    // The whole file is checked before anything is asked of the kernel.
    SpecReading reading = read_state_spec(*text);
    if (!reading.ok()) {
        std::string shown = name == "-" ? "(standard input)" : name;
        for (const SpecProblem& problem : reading.problems)
            session.err().print("Error: {}: {}: {}\n", shown, problem.location, problem.message);
        session.err().print("Nothing was changed.\n");
        return 1;
    }
    Host* host = session.host();
    if (!host)
        return 1;
    StateApplyOptions options;
    options.prune = arguments.prune;
    options.check = arguments.check;
    options.force = session.force();
    if (arguments.wait_seconds)
        options.wait = std::chrono::seconds(*arguments.wait_seconds);
    // libvdpa plans served devices; the device side starts their servers,
    // as `dev add ... file PATH` does.
    const DeviceServing serving = vdpa::device::served_device_hooks(serving_setup());
    options.serving = &serving;
    StateApplication application = apply_state(*host, reading.spec, options);
    if (!application.prepared)
        return session.fail(application.prepared.error());

    const ApplyReport* report = application.report ? &*application.report : nullptr;
    if (session.render_options().json) {
        render_state_json(session.out(), session.render_options().pretty, application.plan,
                          report);
        end_document(session);
    } else {
        render_state_text(session.out(), application.plan, report);
    }
    if (application.ok())
        return 0;
    // The JSON document says what failed; the text gets a last word.
    if (session.render_options().json)
        return 1;
    session.out().flush();
    if (application.plan.refused()) {
        bool in_use = false;
        for (const PlannedAction& action : application.plan.actions)
            in_use = in_use || action.kind == PlannedAction::Kind::refuse_in_use;
        session.err().print("Error: the plan cannot be carried out{}: nothing was changed.\n",
                            in_use ? " (-f recreates, rebinds or deletes devices in use)" : "");
    }
    else if (report)
        session.err().print("Error: applying stopped at the first failure: the actions after "
                            "it were not done; running it again carries on from there.\n");
    return 1;
}

} // namespace vdpa::cli
