using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MigrateHub.Shared.Assessment;
using MigrateHub.Shared.Assessment.Reports;
using MigrateHub.Shared.Catalog;
using MigrateHub.Shared.Import;
using Spectre.Console;

namespace MigrateHub.Cli;

/// <summary>
/// The offline MigrateHub CLI: <c>migratehub assess --input FILE --region REGION ... --out FILE</c>
/// assesses an Azure Migrate import CSV or an RVTools XLSX without any hub running.
/// </summary>
public static class CliApp
{
    /// <summary>Exit code when the input, the output or a setting is unusable.</summary>
    public const int ExitBadInput = 2;

    /// <summary>Exit code for an unexpected failure (a bug): still one line, no stack trace.</summary>
    public const int ExitUnexpected = 3;

    /// <summary>Inputs with at least this many servers get a progress bar.</summary>
    public const int ProgressThreshold = 200;

    /// <summary>Runs the CLI with the given writers (the process's console in Program.cs, buffers in tests).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var root = new RootCommand("MigrateHub offline tools: Azure VM assessment of an import CSV or RVTools export.");
        root.Subcommands.Add(AssessCommand(stdout, stderr));
        var parse = root.Parse(args);
        return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
    }

    private static Command AssessCommand(TextWriter stdout, TextWriter stderr)
    {
        var input = new Option<FileInfo>("--input", "-i") { Description = "Azure Migrate import CSV (.csv) or RVTools export (.xlsx).", Required = true };
        var region = new Option<string>("--region", "-r") { Description = "Target Azure region (ARM name, e.g. westeurope).", Required = true };
        var output = new Option<FileInfo>("--out", "-o") { Description = "Report to write: .csv (one row per machine) or .xlsx (summary, machines, disks).", Required = true };
        var sizing = new Option<string>("--sizing") { Description = "Sizing criterion.", DefaultValueFactory = _ => "performance" }
            .AcceptOnlyFromAmong("performance", "as-on-premises");
        var percentile = new Option<int>("--percentile") { Description = "Percentile of the utilisation data (50, 90, 95, 99).", DefaultValueFactory = _ => 95 };
        percentile.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is not (50 or 90 or 95 or 99))
            {
                r.AddError("--percentile must be 50, 90, 95 or 99.");
            }
        });
        var comfort = new Option<double>("--comfort") { Description = "Comfort factor applied to utilisation (e.g. 1.3).", DefaultValueFactory = _ => 1.3 };
        var currency = new Option<string>("--currency") { Description = "Currency: USD, EUR, GBP, SEK, NOK or DKK.", DefaultValueFactory = _ => "USD" };
        var savings = new Option<string>("--savings") { Description = "Savings option.", DefaultValueFactory = _ => "none" }
            .AcceptOnlyFromAmong("none", "ri1y", "ri3y", "sp1y", "sp3y");
        var ahb = new Option<bool>("--ahb") { Description = "Azure Hybrid Benefit for Windows servers (true/false).", DefaultValueFactory = _ => true, Arity = ArgumentArity.ExactlyOne };
        var series = new Option<string[]>("--series") { Description = "Allowed VM series, e.g. Dsv5 Esv5 (or Dsv5,Esv5). Default: all.", AllowMultipleArgumentsPerToken = true };
        var storage = new Option<string>("--storage") { Description = "Disk type for as-on-premises sizing.", DefaultValueFactory = _ => "premium" }
            .AcceptOnlyFromAmong("premium", "standardssd", "standardhdd", "ultra");
        var discount = new Option<double>("--discount") { Description = "Discount on pay-as-you-go compute, in percent.", DefaultValueFactory = _ => 0 };

        var cmd = new Command("assess", "Assess servers from an import file for Azure VMs and write a report.")
        {
            input, region, output, sizing, percentile, comfort, currency, savings, ahb, series, storage, discount,
        };
        cmd.SetAction(parse =>
        {
            var settings = new AssessmentSettings
            {
                TargetRegion = parse.GetValue(region)!.Trim().ToLowerInvariant(),
                Sizing = parse.GetValue(sizing) == "as-on-premises" ? SizingCriterion.AsOnPremises : SizingCriterion.PerformanceBased,
                Percentile = parse.GetValue(percentile),
                ComfortFactor = parse.GetValue(comfort),
                Currency = parse.GetValue(currency)!.Trim().ToUpperInvariant(),
                Savings = parse.GetValue(savings) switch
                {
                    "ri1y" => SavingsOption.Reserved1Year,
                    "ri3y" => SavingsOption.Reserved3Year,
                    "sp1y" => SavingsOption.SavingsPlan1Year,
                    "sp3y" => SavingsOption.SavingsPlan3Year,
                    _ => SavingsOption.None,
                },
                AzureHybridBenefit = parse.GetValue(ahb),
                VmSeries = (parse.GetValue(series) ?? []).SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray(),
                AsOnPremisesStorage = parse.GetValue(storage) switch
                {
                    "standardssd" => AsOnPremisesStorage.StandardSSD,
                    "standardhdd" => AsOnPremisesStorage.StandardHDD,
                    "ultra" => AsOnPremisesStorage.Ultra,
                    _ => AsOnPremisesStorage.Premium,
                },
                DiscountPercent = parse.GetValue(discount),
            };
            return Assess(parse.GetValue(input)!, parse.GetValue(output)!, settings, stdout, stderr);
        });
        return cmd;
    }

    private static int Assess(FileInfo input, FileInfo output, AssessmentSettings settings, TextWriter stdout, TextWriter stderr)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = AnsiSupport.Detect,
            ColorSystem = ColorSystemSupport.Detect,
        });
        if (!ReferenceEquals(stdout, Console.Out) || Console.IsOutputRedirected)
        {
            console.Profile.Width = 400; // no wrapping when the output goes to a file or a test
        }

        try
        {
            var outKind = output.Extension.ToLowerInvariant();
            if (outKind is not (".csv" or ".xlsx"))
            {
                return Fail(stderr, $"output '{output.Name}' must end in .csv or .xlsx");
            }

            var catalog = AzureCatalog.Default;
            settings.Validate(catalog);
            if (!input.Exists)
            {
                return Fail(stderr, $"input file '{input.FullName}' not found");
            }

            var sw = Stopwatch.StartNew();
            ImportResult imported;
            using (var stream = input.OpenRead())
            {
                imported = input.Extension.ToLowerInvariant() switch
                {
                    ".csv" => AzureMigrateCsvParser.Parse(stream),
                    ".xlsx" => RvToolsParser.Parse(stream),
                    _ => throw new ImportFormatException($"'{input.Name}' is neither an import CSV (.csv) nor an RVTools export (.xlsx)"),
                };
            }

            foreach (var r in imported.Rejected)
            {
                stderr.WriteLine($"warning: {input.Name} {r.Source} row {r.RowNumber}{(r.Name is null ? string.Empty : $" ({r.Name})")}: {r.Reason}");
            }

            console.MarkupLineInterpolated($"Read [bold]{imported.Servers.Count}[/] servers from {input.Name} ({imported.Rejected.Count} rows rejected, {imported.Skipped.Count} skipped: templates).");
            if (imported.Servers.Count == 0)
            {
                return Fail(stderr, $"no valid server rows in '{input.Name}'");
            }

            var inputs = imported.Servers.Select(s => new AssessmentInput(s)).ToArray();
            var engine = new AssessmentEngine(catalog);
            AssessmentResult result;
            if (inputs.Length >= ProgressThreshold)
            {
                result = null!;
                console.Progress().Start(ctx =>
                {
                    var task = ctx.AddTask("Assessing", maxValue: inputs.Length);
                    var gate = new object();
                    result = engine.Assess(inputs, settings, new SyncProgress(done =>
                    {
                        lock (gate)
                        {
                            task.Value = Math.Max(task.Value, done);
                        }
                    }));
                    task.Value = inputs.Length;
                });
            }
            else
            {
                result = engine.Assess(inputs, settings);
            }

            var dir = output.Directory;
            if (dir is not null && !dir.Exists)
            {
                return Fail(stderr, $"output folder '{dir.FullName}' does not exist");
            }

            using (var outStream = File.Create(output.FullName))
            {
                if (outKind == ".csv")
                {
                    AssessmentReportWriter.WriteCsv(result, outStream);
                }
                else
                {
                    AssessmentReportWriter.WriteXlsx(result, outStream);
                }
            }

            var c = result.ReadinessCounts;
            console.MarkupLineInterpolated($"Assessed {result.Machines.Count} servers for {settings.TargetRegion} ({settings.Sizing}) in {sw.Elapsed.TotalSeconds:0.00} s: {c[Readiness.Suitable]} ready, {c[Readiness.ConditionallySuitable]} ready with conditions, {c[Readiness.NotSuitable]} not ready, {c[Readiness.ReadinessUnknown]} unknown.");
            console.MarkupLineInterpolated($"Monthly cost (known): compute {result.TotalMonthlyComputeCost.ToString("N2", CultureInfo.InvariantCulture)} + storage {result.TotalMonthlyStorageCost.ToString("N2", CultureInfo.InvariantCulture)} {settings.Currency}; {result.MachinesWithUnknownCost} sized servers with an unknown cost.");
            console.MarkupLineInterpolated($"Report: {output.FullName}");
            return 0;
        }
        catch (ImportFormatException ex)
        {
            return Fail(stderr, $"cannot read '{input.Name}': {ex.Message}");
        }
        catch (ArgumentException ex)
        {
            return Fail(stderr, ex.Message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Fail(stderr, ex.Message);
        }
#pragma warning disable CA1031 // a CLI reports any other failure as one line instead of a stack trace
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Fail(stderr, $"unexpected failure ({ex.GetType().Name}): {ex.Message}");
            return ExitUnexpected;
        }
#pragma warning restore CA1031
    }

    private static int Fail(TextWriter stderr, string message)
    {
        stderr.WriteLine("error: " + message.ReplaceLineEndings(" "));
        return ExitBadInput;
    }

    /// <summary>Calls the handler on the reporting thread (unlike Progress&lt;T&gt;, which posts to a context).</summary>
    private sealed class SyncProgress(Action<int> handler) : IProgress<int>
    {
        public void Report(int value) => handler(value);
    }
}
