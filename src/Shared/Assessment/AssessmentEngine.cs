using System.Globalization;
using MigrateHub.Shared.Catalog;
using MigrateHub.Shared.Inventory;

namespace MigrateHub.Shared.Assessment;

/// <summary>
/// Azure VM assessment (DOMAIN.md §3): readiness -> sizing -> cost, pure and in memory. Thread-safe;
/// the batch overload assesses servers in parallel.
/// </summary>
public sealed partial class AssessmentEngine
{
    /// <summary>Most cores a size offers (DOMAIN.md §3).</summary>
    public const double MaxCores = 128;

    /// <summary>Most memory a size offers in GB (Standard_M128m).</summary>
    public const double MaxMemoryGb = 3892;

    /// <summary>Largest disk in GB (64 TB).</summary>
    public const double MaxDiskGb = 65536;

    /// <summary>Most disks including the OS disk.</summary>
    public const int MaxDisks = 65;

    /// <summary>Most network adapters.</summary>
    public const int MaxNics = 32;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    [ThreadStatic]
    private static float[]? t_scratch;

    private AssessmentContext? _lastContext;

    /// <summary>Creates an engine over a catalog (default: the embedded one).</summary>
    public AssessmentEngine(AzureCatalog? catalog = null) => Catalog = catalog ?? AzureCatalog.Default;

    /// <summary>The catalog used.</summary>
    public AzureCatalog Catalog { get; }

    /// <summary>Assesses one server.</summary>
    public AssessedMachine Assess(AssessmentInput input, AssessmentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(settings);
        return AssessOne(input, Context(settings));
    }

    /// <summary>The prepared context for the settings; the last one is reused (settings are immutable records).</summary>
    private AssessmentContext Context(AssessmentSettings settings)
    {
        var last = _lastContext;
        if (last is not null && (ReferenceEquals(last.Settings, settings) || last.Settings.Equals(settings)))
        {
            return last;
        }

        var ctx = new AssessmentContext(Catalog, settings);
        _lastContext = ctx;
        return ctx;
    }

    /// <summary>
    /// Assesses a set of servers (in parallel) and totals the costs. <paramref name="progress"/> gets the
    /// number of servers done so far (from worker threads, roughly every 1 % of the set).
    /// </summary>
    /// <exception cref="ArgumentException">A setting is invalid (one-line message).</exception>
    public AssessmentResult Assess(
        IReadOnlyList<AssessmentInput> inputs,
        AssessmentSettings settings,
        IProgress<int>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(settings);
        var ctx = Context(settings);
        var results = new AssessedMachine[inputs.Count];
        var done = 0;
        var step = Math.Max(1, inputs.Count / 100);
        var options = new ParallelOptions { CancellationToken = cancellationToken };
        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, inputs.Count, Math.Max(16, inputs.Count / (Environment.ProcessorCount * 8) + 1)), options, range =>
        {
            for (var i = range.Item1; i < range.Item2; i++)
            {
                results[i] = AssessOne(inputs[i], ctx);
            }

            if (progress is not null)
            {
                var before = Interlocked.Add(ref done, range.Item2 - range.Item1);
                if (before / step != (before - (range.Item2 - range.Item1)) / step || before == inputs.Count)
                {
                    progress.Report(before);
                }
            }
        });

        var counts = new Dictionary<Readiness, int>
        {
            [Readiness.Suitable] = 0,
            [Readiness.ConditionallySuitable] = 0,
            [Readiness.ReadinessUnknown] = 0,
            [Readiness.NotSuitable] = 0,
        };
        double compute = 0, storage = 0;
        var unknown = 0;
        foreach (var m in results)
        {
            counts[m.Readiness]++;
            if (m.Compute is null)
            {
                continue;
            }

            compute += m.MonthlyComputeCost ?? 0;
            storage += m.MonthlyStorageCost ?? 0;
            if (m.MonthlyComputeCost is null || m.MonthlyStorageCost is null)
            {
                unknown++;
            }
        }

        return new AssessmentResult
        {
            Settings = settings,
            Machines = results,
            ReadinessCounts = counts,
            TotalMonthlyComputeCost = compute,
            TotalMonthlyStorageCost = storage,
            MachinesWithUnknownCost = unknown,
            CreatedAt = DateTimeOffset.UtcNow,
        };
    }

    private static float[] Scratch(int n)
    {
        var s = t_scratch;
        if (s is null || s.Length < n)
        {
            s = new float[Math.Max(n, 8192)];
            t_scratch = s;
        }

        return s;
    }

    private AssessedMachine AssessOne(AssessmentInput input, AssessmentContext ctx)
    {
        var server = input.Server;
        var settings = ctx.Settings;
        var issues = new List<ReadinessIssue>(2);

        // ---- readiness: OS
        var osName = server.OperatingSystem.Name;
        if (!string.IsNullOrWhiteSpace(server.OperatingSystem.Version) &&
            (osName is null || !osName.Contains(server.OperatingSystem.Version, StringComparison.OrdinalIgnoreCase)))
        {
            osName = (osName + " " + server.OperatingSystem.Version).Trim();
        }

        var os = Catalog.MatchOperatingSystem(osName);
        if (os.Readiness == OsReadiness.ConditionallyReady)
        {
            issues.Add(new ReadinessIssue(os.ReasonCode ?? "OSNotEndorsed", Readiness.ConditionallySuitable, $"OS '{osName}': {os.Note}"));
        }
        else if (os.Readiness == OsReadiness.Unknown)
        {
            issues.Add(new ReadinessIssue(os.ReasonCode ?? "OSUnknown", Readiness.ReadinessUnknown, $"OS '{osName}': {os.Note}"));
        }

        if (server.OperatingSystem.Architecture == OsArchitecture.X86 ||
            (osName is not null && osName.Contains("32-bit", StringComparison.OrdinalIgnoreCase)))
        {
            issues.Add(new ReadinessIssue("OS32Bit", Readiness.ConditionallySuitable, "32-bit operating system: may boot but may not have full support; upgrade to 64-bit recommended."));
        }

        // ---- readiness: boot
        var generation = server.BootType == BootType.Uefi || server.HyperVGeneration == 2 ? 2 : 1;
        if (server.BootType == BootType.Uefi && os.Family == OsFamily.Windows && osName is not null && OldWindowsServer().IsMatch(osName))
        {
            issues.Add(new ReadinessIssue("BootTypeNotSupported", Readiness.NotSuitable, $"UEFI boot is not supported for '{osName}' (Windows Server 2003/2003 R2/2008/2008 R2 need BIOS)."));
        }

        // ---- readiness: NICs and disks
        var nics = Math.Max(1, server.NetworkAdapters.Count);
        if (nics > MaxNics)
        {
            issues.Add(new ReadinessIssue("MoreNicsThanSupported", Readiness.NotSuitable, $"{nics} network adapters; Azure VMs support at most {MaxNics}."));
        }

        var disks = server.Disks;
        if (disks.Count > MaxDisks)
        {
            issues.Add(new ReadinessIssue("MoreDisksThanSupported", Readiness.NotSuitable, $"{disks.Count} disks; at most {MaxDisks} including the OS disk."));
        }

        for (var i = 0; i < disks.Count; i++)
        {
            if (disks[i].SizeGb > MaxDiskGb)
            {
                issues.Add(new ReadinessIssue("DiskSizeGreaterThanSupported", Readiness.NotSuitable,
                    string.Create(Inv, $"Disk '{disks[i].Id}' is {disks[i].SizeGb:0.#} GB; the largest Azure disk is {MaxDiskGb:0} GB (64 TB).")));
            }
        }

        // ---- needs
        var needs = ComputeUsage(input, ctx, out var diskNeeds, out var confidence, out var share, out var sizing);
        if (needs.Cores > MaxCores || needs.MemoryGib > MaxMemoryGb)
        {
            issues.Add(new ReadinessIssue("NoSuitableVmSizeFound", Readiness.NotSuitable,
                string.Create(Inv, $"Needs {needs.Cores:0.##} cores and {needs.MemoryGib:0.##} GB memory; Azure sizes offer at most {MaxCores} cores and {MaxMemoryGb} GB.")));
        }

        if (HasNotSuitable(issues))
        {
            return Result(server, issues, null, [], null, null, ctx, "Not sized: the server is not ready for Azure.", confidence, share, sizing);
        }

        // ---- disks: one plan per class of size (no premium storage / premium / premium + Ultra), so
        // that a size is only paired with disk types it supports and the cheapest pair wins.
        var planUltra = PlanDisks(disks, diskNeeds, ctx, sizing, DiskClass.Ultra);
        if (planUltra.Failure is not null)
        {
            issues.Add(planUltra.Failure);
            return Result(server, issues, null, [], null, null, ctx, "Not sized: no disk type meets a disk's needs.", confidence, share, sizing);
        }

        // A cheapest choice that already fits a narrower class is also the cheapest within it.
        var planPremium = planUltra.Ultra ? PlanDisks(disks, diskNeeds, ctx, sizing, DiskClass.Premium) : planUltra;
        var planStandard = planPremium.Premium ? PlanDisks(disks, diskNeeds, ctx, sizing, DiskClass.Standard) : planPremium;
        needs = needs with
        {
            DataDisks = Math.Max(0, disks.Count - 1),
            Nics = nics,
            DiskIops = planUltra.Iops,
            DiskMBps = planUltra.MBps,
            Generation = generation,
        };

        // ---- compute: rank by the price the server will be charged (OS licence, savings option) among
        // the sizes that have one; if none fits, by Linux pay-as-you-go among all sizes (cost unknown).
        var windowsLicence = os.Family == OsFamily.Windows && !settings.AzureHybridBenefit;
        var pricedList = windowsLicence ? ctx.WindowsCandidates : ctx.LinuxCandidates;
        var pricedColumn = windowsLicence ? ctx.WindowsPrice : ctx.LinuxPrice;
        ComputeRecommendation? compute = null;
        DiskPlan? plan = null;
        ReadinessIssue? sizeFailure = null;
        if (pricedColumn is not null && pricedList.Length > 0)
        {
            compute = ChooseSize(needs, ctx, pricedList, pricedColumn, $"{ctx.PriceLabel} {(windowsLicence ? "Windows" : "Linux")} price",
                planStandard, planPremium, planUltra, out plan, out sizeFailure);
        }

        if (compute is null && !ReferenceEquals(pricedColumn, ctx.RankPrice))
        {
            compute = ChooseSize(needs, ctx, ctx.Candidates, ctx.RankPrice,
                $"Linux pay-as-you-go price (no size with a {ctx.PriceLabel} {(windowsLicence ? "Windows" : "Linux")} price in the catalog fits)",
                planStandard, planPremium, planUltra, out plan, out sizeFailure);
        }

        if (compute is null)
        {
            issues.Add(sizeFailure!);
            return Result(server, issues, null, planUltra.Disks!, null, null, ctx, "Not sized: no VM size meets the needs.", confidence, share, sizing);
        }

        var diskRecs = plan!.Disks!;

        // ---- cost
        var (computeCost, storageCost, costNote) = Cost(compute.Size, os.Family, diskRecs, ctx);
        return Result(server, issues, compute, diskRecs, computeCost, storageCost, ctx, costNote, confidence, share, sizing);
    }

    private static bool HasNotSuitable(List<ReadinessIssue> issues)
    {
        foreach (var i in issues)
        {
            if (i.Readiness == Readiness.NotSuitable)
            {
                return true;
            }
        }

        return false;
    }

    private static AssessedMachine Result(
        DiscoveredServer server,
        List<ReadinessIssue> issues,
        ComputeRecommendation? compute,
        IReadOnlyList<DiskRecommendation> disks,
        double? computeCost,
        double? storageCost,
        AssessmentContext ctx,
        string? costNote,
        int? confidence,
        double? share,
        SizingCriterion sizing)
    {
        var readiness = Readiness.Suitable;
        foreach (var i in issues)
        {
            if (i.Readiness > readiness)
            {
                readiness = i.Readiness;
            }
        }

        return new AssessedMachine
        {
            ServerId = server.Id,
            Name = server.Name,
            Server = server,
            Readiness = readiness,
            Issues = issues,
            Compute = compute,
            Disks = disks,
            MonthlyComputeCost = computeCost,
            MonthlyStorageCost = storageCost,
            Currency = ctx.Currency,
            CostExplanation = costNote,
            ConfidenceRating = confidence,
            DataPointSharePercent = share,
            Sizing = sizing,
        };
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"(?i)\b(2003|2008)\b")]
    private static partial System.Text.RegularExpressions.Regex OldWindowsServer();
}
