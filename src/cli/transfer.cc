// `stockroom import items|stock FILE` and `stockroom export items|stock|movements`: the CSV
// formats of api/csv_formats.h, straight against the data directory's database.
#include <unistd.h>

#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/data_dir.h"
#include "stockroom/api/csv_formats.h"

namespace stockroom::cli {
namespace {

constexpr std::size_t kMaxFileBytes = 1ULL << 30;  // 1 GiB

struct ImportOptions {
  std::string file;
  bool dry_run = false;
  bool without_stock = false;  // items: ignore the quantity and lot columns
  std::string mode = "receive";
  std::string receiving_location = "RECEIVING";
};

struct ExportOptions {
  std::string output;  // "" or "-": standard output
  bool without_stock = false;
  std::string location;
  std::string from, to;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("cannot read {}", path));
  in.seekg(0, std::ios::end);
  const auto size = static_cast<std::size_t>(in.tellg());
  if (size > kMaxFileBytes) throw std::runtime_error(fmt::format("{} is larger than 1 GiB", path));
  in.seekg(0);
  std::string text(size, '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  return text;
}

// A one-line progress bar on standard error, when it is a terminal.
std::function<void(std::size_t)> ProgressBar(std::size_t total) {
  if (!::isatty(STDERR_FILENO) || total < 1000) return {};
  return [total](std::size_t done) {
    const int width = 40;
    const int filled = static_cast<int>(width * done / total);
    std::cerr << fmt::format("\r[{}{}] {}/{} rows", std::string(filled, '#'), std::string(width - filled, ' '), done,
                             total)
              << std::flush;
  };
}

template <class Row>
bool ReportCsvErrors(const api::ParsedCsv<Row>& parsed, const std::string& file) {
  if (parsed.errors.empty()) return false;
  for (const auto& error : parsed.errors) std::cerr << file << ": " << api::DescribeCsvError(error) << "\n";
  if (parsed.more_errors) std::cerr << fmt::format("{}: and {} more problems\n", file, parsed.more_errors);
  std::cerr << "nothing was imported\n";
  return true;
}

int Finish(const store::Result<store::ImportSummary>& summary, const std::vector<std::size_t>& lines,
           const std::string& file, bool dry_run, std::size_t rows) {
  if (!summary) {
    const auto& error = summary.error();
    const std::vector<api::CsvRowError> rows = api::ImportRowErrors(error, lines);
    if (!rows.empty()) {
      for (const auto& row : rows) std::cerr << file << ": " << api::DescribeCsvError(row) << "\n";
      if (error.rows_unchecked) {
        std::cerr << fmt::format("{}: checking stopped after {} refused rows\n", file, rows.size());
      }
      std::cerr << "nothing was imported\n";
    } else {
      std::cerr << "stockroom import: " << error.detail << "\n";
    }
    return 1;
  }
  std::cout << fmt::format("{}{} rows: {} items created, {} movements, {} locations created\n",
                           dry_run ? "dry run, nothing written: " : "imported ", rows, summary->items_created,
                           summary->movements, summary->locations_created);
  return 0;
}

const inventory::Actor kCliActor{"", "cli", ""};

int ImportItems(const CommonOptions& common, const ImportOptions& options) {
  try {
    const std::string text = ReadFile(options.file);
    auto parsed = api::ParseItemsCsv(text, options.receiving_location, !options.without_stock);
    if (ReportCsvErrors(parsed, options.file)) return 1;
    auto store = OpenStore(ExistingDataDir(common.data_dir), store::Durability::kFull, 1);
    auto progress = ProgressBar(parsed.rows.size());
    auto summary = store->ImportItems(parsed.rows, kCliActor, {options.dry_run, progress});
    if (progress) std::cerr << "\n";
    return Finish(summary, parsed.lines, options.file, options.dry_run, parsed.rows.size());
  } catch (const std::exception& e) {
    std::cerr << "stockroom import items: " << e.what() << "\n";
    return 2;
  }
}

int ImportStock(const CommonOptions& common, const ImportOptions& options) {
  try {
    const std::string text = ReadFile(options.file);
    auto parsed = api::ParseStockCsv(text, options.receiving_location);
    if (ReportCsvErrors(parsed, options.file)) return 1;
    auto store = OpenStore(ExistingDataDir(common.data_dir), store::Durability::kFull, 1);
    auto progress = ProgressBar(parsed.rows.size());
    const auto mode = options.mode == "count" ? store::StockImportMode::kCount : store::StockImportMode::kReceive;
    auto summary = store->ImportStock(parsed.rows, mode, kCliActor, {options.dry_run, progress});
    if (progress) std::cerr << "\n";
    return Finish(summary, parsed.lines, options.file, options.dry_run, parsed.rows.size());
  } catch (const std::exception& e) {
    std::cerr << "stockroom import stock: " << e.what() << "\n";
    return 2;
  }
}

void Write(const std::string& output, const std::string& text) {
  if (output.empty() || output == "-") {
    std::cout << text << std::flush;
    return;
  }
  std::ofstream out(output, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error(fmt::format("cannot write {}", output));
}

// Runs one export and writes its text; `what` names it in messages.
template <class F>
int Export(const CommonOptions& common, const ExportOptions& options, const char* what, F&& run) {
  try {
    auto store = OpenStore(ExistingDataDir(common.data_dir), store::Durability::kFull, 1);
    auto text = run(*store);
    if (!text) throw std::runtime_error(text.error().detail);
    Write(options.output, *text);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "stockroom export " << what << ": " << e.what() << "\n";
    return 2;
  }
}

int ExportItems(const CommonOptions& common, const ExportOptions& options) {
  std::size_t stock_elsewhere = 0;
  const int status = Export(common, options, "items", [&](store::Store& store) {
    return api::ExportItemsCsv(store, !options.without_stock, &stock_elsewhere);
  });
  if (status == 0 && stock_elsewhere > 0) {
    std::cerr << fmt::format(
        "note: {} items hold stock in several balances or away from their home location: their quantity is left "
        "empty here; `stockroom export stock` has it\n",
        stock_elsewhere);
  }
  return status;
}

int ExportStock(const CommonOptions& common, const ExportOptions& options) {
  return Export(common, options, "stock", [&](store::Store& store) {
    return api::ExportStockCsv(store, options.location.empty() ? std::nullopt : std::optional(options.location));
  });
}

std::int64_t TimeOption(const std::string& name, const std::string& text) {
  auto at = api::ParseTimeParameter(text);
  if (!at) throw std::runtime_error(fmt::format("{} must be an RFC 3339 time or a date (YYYY-MM-DD)", name));
  return *at;
}

int ExportMovements(const CommonOptions& common, const ExportOptions& options) {
  return Export(common, options, "movements", [&](store::Store& store) {
    std::optional<std::int64_t> from, to;
    if (!options.from.empty()) from = TimeOption("--from", options.from);
    if (!options.to.empty()) to = TimeOption("--to", options.to);
    if (from && to && *from >= *to) throw std::runtime_error("--to must be after --from");
    return api::ExportMovementsCsv(store, from, to);
  });
}

}  // namespace

void AddTransferCommands(CLI::App& app, const CommonOptions& common) {
  auto import_options = std::make_shared<ImportOptions>();
  auto export_options = std::make_shared<ExportOptions>();

  CLI::App* import = app.add_subcommand("import", "Import a CSV file, all or nothing");
  import->require_subcommand(1);
  import->fallthrough();
  CLI::App* items = import->add_subcommand(
      "items", "Items (sku,name,description,category,kind,unit,quantity,reorder_point,location): a quantity is "
               "opening stock at the row's location, created with every missing level of its path");
  CLI::App* stock = import->add_subcommand(
      "stock", "Stock (sku,location,lot,quantity): receipts (--mode receive) or a stocktake (--mode count)");
  for (CLI::App* command : {items, stock}) {
    command->fallthrough();
    NoteDataDir(command);
    command->add_option("FILE", import_options->file, "The CSV file (UTF-8, RFC 4180)")->required();
    command->add_flag("--dry-run", import_options->dry_run, "Check every row, write nothing");
    command->add_option("--receiving-location", import_options->receiving_location,
                        "Where stock without a location goes")
        ->check(ReceivingLocationCode())
        ->capture_default_str();
  }
  items->add_flag("--without-stock", import_options->without_stock,
                  "Ignore the quantity and lot columns: create the items only (then import their stock from a "
                  "stock file)");
  stock->add_option("--mode", import_options->mode, "receive: add to balances; count: set them")
      ->check(CLI::IsMember({"receive", "count"}))
      ->capture_default_str();
  items->callback([&common, import_options] { SetExitCode(ImportItems(common, *import_options)); });
  stock->callback([&common, import_options] { SetExitCode(ImportStock(common, *import_options)); });

  CLI::App* export_command = app.add_subcommand("export", "Export CSV that imports back to the same state");
  export_command->require_subcommand(1);
  export_command->fallthrough();
  CLI::App* export_items = export_command->add_subcommand(
      "items", "Items, each with its stock when that is one balance at its home location (all balances: export stock)");
  CLI::App* export_stock = export_command->add_subcommand("stock", "Balances by item, location and lot");
  CLI::App* export_movements = export_command->add_subcommand("movements", "The movement ledger");
  for (CLI::App* command : {export_items, export_stock, export_movements}) {
    command->fallthrough();
    NoteDataDir(command);
    command->add_option("-o,--output", export_options->output, "Output file (default: standard output)");
  }
  export_items->add_flag("--without-stock", export_options->without_stock,
                         "Leave quantity empty (pair with `export stock` for balances by location)");
  export_stock->add_option("--location", export_options->location, "Only this location (code or path) and below");
  export_movements->add_option("--from", export_options->from, "From this time (RFC 3339 or YYYY-MM-DD), inclusive");
  export_movements->add_option("--to", export_options->to, "Up to this time, exclusive");
  export_items->callback([&common, export_options] { SetExitCode(ExportItems(common, *export_options)); });
  export_stock->callback([&common, export_options] { SetExitCode(ExportStock(common, *export_options)); });
  export_movements->callback([&common, export_options] { SetExitCode(ExportMovements(common, *export_options)); });
}

}  // namespace stockroom::cli
