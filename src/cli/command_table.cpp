#include <codexsync/cli/command_table.hpp>

namespace codexsync::cli {

std::vector<std::unique_ptr<commands::Command>> command_table() {
  std::vector<std::unique_ptr<commands::Command>> table;
  table.push_back(commands::make_init_config());
  table.push_back(commands::make_validate());
  table.push_back(commands::make_doctor());
  table.push_back(commands::make_preflight());
  table.push_back(commands::make_plan());
  table.push_back(commands::make_sync());
  table.push_back(commands::make_restore());
  table.push_back(commands::make_backups_list());
  table.push_back(commands::make_conflicts_list());
  table.push_back(commands::make_conflicts_restore());
  table.push_back(commands::make_artefacts());
  table.push_back(commands::make_artefacts_list());
  table.push_back(commands::make_artefacts_clean());
  table.push_back(commands::make_recover_list());
  table.push_back(commands::make_recover_resume());
  table.push_back(commands::make_recover_rollback());
  table.push_back(commands::make_recover_close());
  table.push_back(commands::make_unlock());
  table.push_back(commands::make_status());
  table.push_back(commands::make_schedule_install());
  table.push_back(commands::make_schedule_remove());
  table.push_back(commands::make_schedule_status());
  return table;
}

} // namespace codexsync::cli
