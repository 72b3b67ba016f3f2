// SPDX-License-Identifier: GPL-2.0-or-later
//
// How `vdpa state` shows its values: a state spec as the JSON a state file
// holds, and a plan or its outcome as one line per action (text) or
// {"changed": BOOL, "actions": [...]} (JSON), which Ansible and other
// tools read to report whether anything changed.
#pragma once

#include <vdpa/state.hpp>

#include "render/output.hpp"

namespace vdpa::cli {

// {"devices": [{"name": ..., ...}]}, without the closing newline.
void render_state_spec(Output& out, const StateSpec& spec, bool pretty);

// The plan (check) or what applying it did (report set), one line per
// action; a plan without actions says the host already matches.
void render_state_text(Output& out, const StatePlan& plan, const ApplyReport* report);

// {"changed": BOOL, "actions": [...]}, without the closing newline. Each
// action's "status" is "planned" (check), "done", "failed" or "not_done".
void render_state_json(Output& out, bool pretty, const StatePlan& plan,
                       const ApplyReport* report);

} // namespace vdpa::cli
