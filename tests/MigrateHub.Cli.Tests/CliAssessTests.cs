using System.Globalization;
using System.Text;
using MigrateHub.Cli;
using MiniExcelLibs;

namespace MigrateHub.Cli.Tests;

public sealed class CliAssessTests : IDisposable
{
    private static readonly string[] Readiness = ["Ready", "Ready with conditions", "Not ready", "Readiness unknown"];
    private readonly string _dir = Directory.CreateTempSubdirectory("migratehub-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Sample(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "samples", .. parts]);

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var code = CliApp.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    private static List<Dictionary<string, string>> ReadCsv(string path)
    {
        using var reader = CsvHelper.CsvReader.FromFile(path);
        var header = reader.Headers;
        var rows = new List<Dictionary<string, string>>();
        while (reader.Read())
        {
            var row = new Dictionary<string, string>();
            for (var i = 0; i < header.Count; i++)
            {
                row[header[i]] = reader.GetString(i) ?? string.Empty;
            }

            rows.Add(row);
        }

        return rows;
    }

    [Theory]
    [InlineData("performance")]
    [InlineData("as-on-premises")]
    public void RvToolsSample_BothSizingModes_WritesOneRowPerVm(string sizing)
    {
        var outFile = Path.Combine(_dir, "bill.csv");
        var (code, stdout, stderr) = Run("assess", "--input", Sample("inventory", "BillSampleNextRvtoolsFinal.xlsx"), "--region", "westeurope", "--sizing", sizing, "--out", outFile);
        Assert.True(code == 0, stderr);
        Assert.Contains("129 servers", stdout, StringComparison.Ordinal);
        var rows = ReadCsv(outFile);
        Assert.Equal(129, rows.Count);
        foreach (var r in rows)
        {
            Assert.Contains(r["Readiness"], Readiness);
            if (r["Readiness"] == "Not ready")
            {
                continue;
            }

            Assert.StartsWith("Standard_", r["Recommended VM size"], StringComparison.Ordinal);
            Assert.All(r["Recommended disks"].Split(';'), d => Assert.Matches("^(Premium_P|StandardSSD_E|Standard_S)\\d+$|^(PremiumV2|Ultra)$", d));
            Assert.True(double.Parse(r["Monthly compute cost"], CultureInfo.InvariantCulture) > 0);
            Assert.Equal("USD", r["Currency"]);
            Assert.Equal(string.Empty, r["Confidence rating"]); // imported: no rating
        }

        // ADCSCA01: 4 vCPUs, 2 GB, one 40 GB disk (no performance data in RVTools).
        var adcs = rows.Single(r => r["Machine name"] == "ADCSCA01");
        Assert.Equal("4", adcs["Cores"]);
        Assert.Equal("2048", adcs["Memory (MB)"]);
        Assert.Equal("UEFI", adcs["Boot type"]);
        Assert.Equal(sizing == "performance" ? "StandardSSD_E6" : "Premium_P6", adcs["Recommended disks"]);
    }

    [Theory]
    [InlineData("performance", "StandardSSD_E10;StandardSSD_E6")]
    [InlineData("as-on-premises", "Premium_P10;Premium_P6")]
    public void SmallRvToolsSample_ToXlsx_BothSizingModes(string sizing, string webDisks)
    {
        var outFile = Path.Combine(_dir, "small.xlsx");
        var (code, _, stderr) = Run("assess", "--input", Sample("inventory", "rvtools-small-complete.xlsx"), "--region", "northeurope", "--sizing", sizing, "--out", outFile);
        Assert.True(code == 0, stderr);
        using var s = File.OpenRead(outFile);
        var machines = MiniExcel.Query(s, useHeaderRow: true, sheetName: "Assessed machines").Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(3, machines.Count);
        var web = machines.Single(m => (string)m["Machine name"] == "sample-web-01");
        Assert.Equal(webDisks, web["Recommended disks"]); // 80 GB and 40 GB disks
        // "Ubuntu Linux (64-bit)" has no version: it cannot be matched to an endorsed release.
        Assert.Equal("Ready with conditions", web["Readiness"]);
        Assert.Equal("UnendorsedLinuxDistributions", web["Readiness issues"]);
        var disks = MiniExcel.Query(s, useHeaderRow: true, sheetName: "Assessed disks").Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(2, disks.Count(d => (string)d["Machine name"] == "sample-web-01"));
    }

    [Fact]
    public void ImportCsv_PerformanceBased_AppliesUtilisationAndReadinessRules()
    {
        var outFile = Path.Combine(_dir, "import.csv");
        var (code, _, stderr) = Run("assess", "--input", Sample("import", "azure-migrate-import-sample.csv"), "--region", "westeurope",
            "--percentile", "95", "--comfort", "1.3", "--series", "Dsv5,Esv5", "--out", outFile);
        Assert.True(code == 0, stderr);
        var rows = ReadCsv(outFile).ToDictionary(r => r["Machine name"]);
        Assert.Equal(8, rows.Count);

        // sql01: 16 cores x 47 % x 1.3 = 9.78 vCPUs; 64 GiB x 83 % x 1.3 = 69.06 GiB -> E16s_v5 (16 vCPUs, 128 GiB) is the cheapest Dsv5/Esv5 fit.
        Assert.Equal("9.78", rows["sql01.contoso.local"]["Needed cores"]);
        Assert.Equal("69.06", rows["sql01.contoso.local"]["Needed memory (GB)"]);
        Assert.Equal("Standard_E16s_v5", rows["sql01.contoso.local"]["Recommended VM size"]);

        Assert.Equal("Ready with conditions", rows["legacy01.contoso.local"]["Readiness"]);
        Assert.Contains("WindowsOSNoLongerUnderMSSupport", rows["legacy01.contoso.local"]["Readiness issues"], StringComparison.Ordinal);
        Assert.Equal("Not ready", rows["dc01.contoso.local"]["Readiness"]); // Windows Server 2008 R2 with UEFI
        Assert.Contains("BootTypeNotSupported", rows["dc01.contoso.local"]["Readiness issues"], StringComparison.Ordinal);
        Assert.Equal("Ready", rows["app01.contoso.local"]["Readiness"]); // Ubuntu Linux + OS version 22.04
    }

    [Fact]
    public void ImportCsv_AsOnPremises_Xlsx_HasSummaryMachinesAndDisks()
    {
        var outFile = Path.Combine(_dir, "import.xlsx");
        var (code, _, stderr) = Run("assess", "--input", Sample("import", "azure-migrate-import-sample.csv"), "--region", "westeurope",
            "--sizing", "as-on-premises", "--currency", "EUR", "--ahb", "false", "--out", outFile);
        Assert.True(code == 0, stderr);
        using var s = File.OpenRead(outFile);
        Assert.Equal(["Summary", "Assessed machines", "Assessed disks"], MiniExcel.GetSheetNames(s));
        var machines = MiniExcel.Query(s, useHeaderRow: true, sheetName: "Assessed machines").Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(8, machines.Count);
        var file01 = machines.Single(m => (string)m["Machine name"] == "file01.contoso.local");
        Assert.Equal("Premium_P10;Premium_P50", file01["Recommended disks"]); // 127 GB and 4,096 GB on Premium
        Assert.Equal("EUR", file01["Currency"]);
        var disks = MiniExcel.Query(s, useHeaderRow: true, sheetName: "Assessed disks").Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(10, disks.Count); // 11 disks in the file; dc01 (1 disk) is not ready, so its disk is not sized
        Assert.DoesNotContain(disks, d => (string)d["Machine name"] == "dc01.contoso.local");
        var summary = MiniExcel.Query(s, useHeaderRow: true, sheetName: "Summary").Cast<IDictionary<string, object>>()
            .ToDictionary(r => (string)r["Setting"], r => r["Value"]?.ToString());
        Assert.Equal("AsOnPremises", summary["Sizing criterion"]);
        Assert.Equal("8", summary["Machines assessed"]);
        Assert.Equal("No", summary["Azure Hybrid Benefit"]);
    }

    [Fact]
    public void BrokenRow_IsWarnedWithItsLine_AndTheRestIsAssessed()
    {
        var outFile = Path.Combine(_dir, "broken.csv");
        var (code, _, stderr) = Run("assess", "--input", Sample("import", "azure-migrate-import-broken-row.csv"), "--region", "westeurope", "--out", outFile);
        Assert.Equal(0, code);
        Assert.Contains("row 3 (broken02.contoso.local)", stderr, StringComparison.Ordinal);
        Assert.Equal(2, ReadCsv(outFile).Count);
    }

    [Fact]
    public void LargeInput_RunsWithProgress()
    {
        var csv = new StringBuilder("Server name,Cores,Memory (In MB),OS name,Disk 1 size (In GB),CPU utilization percentage,Memory utilization percentage\n");
        for (var i = 0; i < 300; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"srv{i},{1 + (i % 16)},{1024 * (1 + (i % 32))},Windows Server 2019,{32 + i},{i % 100},{(i * 7) % 100}\n");
        }

        var input = Path.Combine(_dir, "many.csv");
        File.WriteAllText(input, csv.ToString());
        var outFile = Path.Combine(_dir, "many.csv.out.csv");
        var (code, _, stderr) = Run("assess", "--input", input, "--region", "northeurope", "--out", outFile);
        Assert.True(code == 0, stderr);
        Assert.Equal(300, ReadCsv(outFile).Count);
    }

    [Theory]
    [InlineData("not-a-workbook.xlsx", "Server name,Cores\na,1\n", "cannot read")]
    [InlineData("missing-columns.csv", "Server name,Cores\na,1\n", "missing mandatory column")]
    [InlineData("empty.csv", "", "cannot read")]
    public void BadFiles_FailWithOneLineAndNoStackTrace(string name, string content, string expected)
    {
        var input = Path.Combine(_dir, name);
        File.WriteAllText(input, content);
        var (code, stdout, stderr) = Run("assess", "--input", input, "--region", "westeurope", "--out", Path.Combine(_dir, "o.csv"));
        Assert.Equal(CliApp.ExitBadInput, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr + stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "o.csv")));
    }

    [Fact]
    public void ZipThatIsNotAWorkbook_FailsWithOneLine()
    {
        var input = Path.Combine(_dir, "archive.xlsx");
        using (var zip = System.IO.Compression.ZipFile.Open(input, System.IO.Compression.ZipArchiveMode.Create))
        {
            using var w = new StreamWriter(zip.CreateEntry("hello.txt").Open());
            w.Write("hi");
        }

        var (code, _, stderr) = Run("assess", "--input", input, "--region", "westeurope", "--out", Path.Combine(_dir, "o.csv"));
        Assert.Equal(CliApp.ExitBadInput, code);
        Assert.StartsWith("error: cannot read 'archive.xlsx'", Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--currency", "JPY", "not supported")]
    [InlineData("--region", "moon", "Unknown target region")]
    public void BadSettings_FailWithOneLine(string option, string value, string expected)
    {
        var args = new List<string> { "assess", "--input", Sample("import", "azure-migrate-import-sample.csv"), "--region", "westeurope", "--out", Path.Combine(_dir, "o.csv") };
        var i = args.IndexOf(option);
        if (i >= 0)
        {
            args[i + 1] = value;
        }
        else
        {
            args.AddRange([option, value]);
        }

        var (code, _, stderr) = Run([.. args]);
        Assert.Equal(CliApp.ExitBadInput, code);
        Assert.Contains(expected, Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFile_AndInvalidPercentile_AreErrors()
    {
        var (code, _, stderr) = Run("assess", "--input", Path.Combine(_dir, "nope.csv"), "--region", "westeurope", "--out", Path.Combine(_dir, "o.csv"));
        Assert.Equal(CliApp.ExitBadInput, code);
        Assert.Contains("not found", stderr, StringComparison.Ordinal);
        var (code2, _, stderr2) = Run("assess", "--input", Sample("import", "azure-migrate-import-sample.csv"), "--region", "westeurope", "--percentile", "80", "--out", Path.Combine(_dir, "o.csv"));
        Assert.NotEqual(0, code2);
        Assert.Contains("--percentile must be 50, 90, 95 or 99", stderr2, StringComparison.Ordinal);
    }
}
