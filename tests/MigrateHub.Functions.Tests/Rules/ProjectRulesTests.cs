using System.IO.Compression;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MigrateHub.Functions.Projects;
using MigrateHub.Shared.Export;
using MigrateHub.Shared.Projects;
using MigrateHub.Shared.Storage;

namespace MigrateHub.Functions.Tests.Rules;

public sealed class ProjectRulesTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("2024-01-01", null)]
    [InlineData("2025-05-01-preview", null)]
    [InlineData("2018-02-02", 410)]
    [InlineData("2019-10-01", 410)]
    [InlineData("2023-12-31", 410)]
    [InlineData("latest", 400)]
    [InlineData("2024-13-01", 400)]
    [InlineData("2024-01-01-beta", 400)]
    public void Api_versions_before_2024_are_classic_and_gone(string? version, int? status)
    {
        var context = new DefaultHttpContext();
        if (version is not null)
        {
            context.Request.QueryString = QueryString.Create("api-version", version);
        }

        var result = ApiVersions.Check(context.Request);
        Assert.Equal(status, (result as ObjectResult)?.StatusCode);
    }

    [Fact]
    public void Region_allocation_is_deterministic_spread_and_inside_the_geography()
    {
        var europe = Geographies.Find("europe")!;
        var hosted = new[] { "northeurope", "westeurope", "uksouth" };
        var allocated = Enumerable.Range(0, 200).Select(i => $"project{i}").Select(id => (id, RegionAllocator.Allocate(id, europe, hosted, null).Region!)).ToList();
        Assert.All(allocated, a => Assert.Contains(a.Item2, europe.Regions));
        Assert.All(allocated, a => Assert.Equal(a.Item2, RegionAllocator.Allocate(a.id, europe, hosted, null).Region));
        var counts = allocated.GroupBy(a => a.Item2).Select(g => g.Count()).ToList();
        Assert.Equal(2, counts.Count);
        Assert.All(counts, c => Assert.InRange(c, 70, 130));

        Assert.Equal("westeurope", RegionAllocator.Allocate("p", europe, hosted, "WestEurope").Region);
        var outside = RegionAllocator.Allocate("p", europe, hosted, "uksouth");
        Assert.Null(outside.Region);
        Assert.Contains("northeurope, westeurope", outside.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_geography_of_the_issue_exists_with_regions_and_government_is_its_own_cloud()
    {
        foreach (var name in new[] { "Europe", "United States", "United Kingdom", "Asia Pacific", "Australia", "Japan", "Canada", "India", "Brazil", "Azure Government" })
        {
            Assert.NotEmpty(Geographies.Find(name)!.Regions);
        }

        Assert.Equal("Government", Geographies.Find("azure government")!.Cloud);
        Assert.All(Geographies.All, g => Assert.Equal(g.Regions.Count, g.Regions.Distinct().Count()));
        Assert.Equal(Geographies.All.SelectMany(g => g.Regions).Count(), Geographies.All.SelectMany(g => g.Regions).Distinct().Count());
    }

    [Fact]
    public void A_later_export_part_replaces_an_earlier_one_of_the_same_name_in_its_place()
    {
        var storage = new HubStorage(Options.Create(new HubStorageOptions { Directory = { ConnectionString = "UseDevelopmentStorage=true" } }));
        var replacement = new EmptyCsvExportPart("software", "software/real.csv", "real", ["A"]);
        var exporter = new ProjectExporter(
            [new ProjectExportPart(), EmptyCsvExportPart.Inventory(), EmptyCsvExportPart.Software(), EmptyCsvExportPart.Dependencies(), replacement],
            storage, TimeProvider.System, NullLogger<ProjectExporter>.Instance);
        Assert.Equal(["project", "inventory", "software", "dependencies"], exporter.Parts.Select(p => p.Name));
        Assert.Same(replacement, exporter.Parts[2]);
    }

    [Fact]
    public async Task Export_csv_files_quote_what_needs_quoting_and_start_with_a_byte_order_mark()
    {
        using var output = new MemoryStream();
        using (var archive = new ExportArchive(output))
        {
            await archive.AddCsvAsync("a.csv", "test", ["Name", "Note"], [["x,y", "say \"hi\""], ["é", null]], CancellationToken.None);
            Assert.Throws<InvalidOperationException>(() => archive.AddFile("a.csv", "again"));
            Assert.Throws<ArgumentException>(() => archive.AddFile("../escape.csv", "bad"));
            Assert.Equal(2, archive.Files.Single().Rows);
        }

        using var zip = new ZipArchive(new MemoryStream(output.ToArray()));
        using var stream = new MemoryStream();
        await zip.GetEntry("a.csv")!.Open().CopyToAsync(stream);
        var bytes = stream.ToArray();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var text = System.Text.Encoding.UTF8.GetString(bytes[3..]);
        Assert.Equal("Name,Note\r\n\"x,y\",\"say \"\"hi\"\"\"\r\né,\r\n", text);
    }
}
