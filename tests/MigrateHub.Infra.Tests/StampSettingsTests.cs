using System.Text.RegularExpressions;
using MigrateHub.Shared.Configuration;

namespace MigrateHub.Infra.Tests;

/// <summary>Every configuration key the code reads is set, with a sensible value, on every stamp.</summary>
[Collection(InfraCollection.Name)]
public sealed class StampSettingsTests(InfraSnapshots infra)
{
    public static TheoryData<string> ParameterFiles => [.. InfraSnapshots.ParameterFiles];

    [Fact]
    public void SettingNames_reflection_finds_the_keys_the_code_declares()
    {
        var keys = SettingCoverage.CodeKeys();

        Assert.Contains(SettingNames.TaskHub, keys);
        Assert.Contains(SettingNames.StampRegion, keys);
        Assert.Contains(SettingNames.RegionTableServiceUri, keys);
        Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Coverage_check_reports_a_key_the_template_does_not_set()
    {
        string[] codeKeys = [SettingNames.TaskHub, SettingNames.RegionTableServiceUri, "MigrateHub__Added__{region}__ByCode", "MigrateHub__Empty"];
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [SettingNames.TaskHub] = "MigrateHub",
            ["MigrateHub__Regions__westeurope__TableServiceUri"] = "https://x",
            ["MigrateHub__Regions__northeurope__TableServiceUri"] = "https://y",
            ["MigrateHub__Empty"] = " ",
        };

        Assert.Equal(
            ["MigrateHub__Added__westeurope__ByCode", "MigrateHub__Empty"],
            SettingCoverage.Missing(codeKeys, settings, "westeurope"));
        Assert.Equal(
            ["MigrateHub__Regions__swedencentral__TableServiceUri", "MigrateHub__Added__swedencentral__ByCode", "MigrateHub__Empty"],
            SettingCoverage.Missing(codeKeys, settings, "swedencentral"));
    }

    [Fact]
    public void Coverage_check_reports_an_app_key_the_code_does_not_read()
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [SettingNames.TaskHub] = "MigrateHub",
            ["MigrateHub__Regions__westeurope__TableServiceUri"] = "https://x",
            ["MigrateHub__Forgotten"] = "x",
        };

        Assert.Equal(["MigrateHub__Forgotten"], SettingCoverage.Unknown(SettingCoverage.CodeKeys(), settings));
    }

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void Every_key_in_SettingNames_is_set_on_every_stamp(string parameterFile)
    {
        var snapshot = infra[parameterFile];
        Assert.NotEmpty(snapshot.Stamps);

        foreach (var stamp in snapshot.Stamps)
        {
            var missing = SettingCoverage.Missing(SettingCoverage.CodeKeys(), stamp.AppSettings, stamp.Region);
            Assert.True(
                missing.Count == 0,
                $"{parameterFile}, stamp {stamp.Region}: infra/bicep/stamp.bicep does not set {string.Join(", ", missing)} (declared in src/Shared/Configuration/SettingNames.cs).");
        }
    }

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void The_template_sets_no_app_key_the_code_does_not_read(string parameterFile)
    {
        foreach (var stamp in infra[parameterFile].Stamps)
        {
            var unknown = SettingCoverage.Unknown(SettingCoverage.CodeKeys(), stamp.AppSettings);
            Assert.True(
                unknown.Count == 0,
                $"{parameterFile}, stamp {stamp.Region}: the template sets {string.Join(", ", unknown)}, which SettingNames does not declare.");
        }
    }

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void Every_stamp_region_gets_one_stamp_that_knows_its_region(string parameterFile)
    {
        var snapshot = infra[parameterFile];

        Assert.Equal(snapshot.StampRegions.Order(), snapshot.Stamps.Select(s => s.Region).Order());
        foreach (var stamp in snapshot.Stamps)
        {
            Assert.Equal(stamp.Region, stamp.AppSettings[SettingNames.StampRegion]);
        }
    }

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void Task_hub_setting_is_a_valid_task_hub_name(string parameterFile)
    {
        var validName = new Regex("^[A-Za-z][A-Za-z0-9]{2,44}$", RegexOptions.CultureInvariant);

        foreach (var stamp in infra[parameterFile].Stamps)
        {
            var taskHub = stamp.AppSettings[SettingNames.TaskHub];
            Assert.True(validName.IsMatch(taskHub), $"{parameterFile}, {stamp.Region}: task hub '{taskHub}' must be 3-45 letters/digits starting with a letter.");
        }
    }

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void Region_keys_point_at_the_stamps_own_storage_and_the_directory_key_at_the_directory(string parameterFile)
    {
        var snapshot = infra[parameterFile];
        var directory = DeploymentSnapshot.IdOf(Assert.Single(snapshot.DirectoryStorageAccounts));

        foreach (var stamp in snapshot.Stamps)
        {
            var storage = DeploymentSnapshot.IdOf(stamp.Single("Microsoft.Storage/storageAccounts"));
            var table = stamp.AppSettings[SettingNames.RegionTableServiceUri.Replace(SettingCoverage.RegionPlaceholder, stamp.Region, StringComparison.Ordinal)];
            var blob = stamp.AppSettings[SettingNames.RegionBlobServiceUri.Replace(SettingCoverage.RegionPlaceholder, stamp.Region, StringComparison.Ordinal)];

            Assert.Contains($"'{storage}'", table, StringComparison.Ordinal);
            Assert.EndsWith(".primaryEndpoints.table]", table, StringComparison.Ordinal);
            Assert.Contains($"'{storage}'", blob, StringComparison.Ordinal);
            Assert.EndsWith(".primaryEndpoints.blob]", blob, StringComparison.Ordinal);

            var directoryUri = stamp.AppSettings[SettingNames.DirectoryTableServiceUri];
            Assert.Contains($"'{directory}'", directoryUri, StringComparison.Ordinal);
            Assert.EndsWith(".primaryEndpoints.table]", directoryUri, StringComparison.Ordinal);

            var serviceBus = DeploymentSnapshot.IdOf(stamp.Single("Microsoft.ServiceBus/namespaces"));
            Assert.Contains($"'{serviceBus}'", stamp.AppSettings[SettingNames.ServiceBusNamespace], StringComparison.Ordinal);

            var identity = DeploymentSnapshot.IdOf(stamp.Single("Microsoft.ManagedIdentity/userAssignedIdentities"));
            Assert.Contains($"'{identity}'", stamp.AppSettings[SettingNames.ManagedIdentityClientId], StringComparison.Ordinal);
            Assert.EndsWith(".clientId]", stamp.AppSettings[SettingNames.ManagedIdentityClientId], StringComparison.Ordinal);
        }
    }
}
