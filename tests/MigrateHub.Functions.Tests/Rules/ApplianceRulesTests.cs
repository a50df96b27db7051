using System.Security.Cryptography;
using MigrateHub.Shared.Appliances;

namespace MigrateHub.Functions.Tests.Rules;

public sealed class ApplianceRulesTests
{
    [Theory]
    [InlineData("VMware", 10_000)]
    [InlineData("vmware", 10_000)]
    [InlineData("HyperV", 5_000)]
    [InlineData("Hyper-V", 5_000)]
    [InlineData("Physical", 1_000)]
    [InlineData("Other", 1_000)]
    public void MaxServers_is_the_per_type_limit(string sourceType, int limit) =>
        Assert.Equal(limit, ApplianceLimits.MaxServers(sourceType));

    [Fact]
    public void MaxServers_of_an_unknown_type_throws() =>
        Assert.Throws<ArgumentException>(() => ApplianceLimits.MaxServers("Mainframe"));

    [Theory]
    [InlineData("VMware", 10_000, true)]
    [InlineData("VMware", 10_001, false)]
    [InlineData("HyperV", 5_000, true)]
    [InlineData("HyperV", 5_001, false)]
    [InlineData("Physical", 1_000, true)]
    [InlineData("Physical", 1_001, false)]
    [InlineData("Other", 1_001, false)]
    [InlineData("Other", 0, true)]
    public void Check_allows_up_to_the_limit_and_refuses_one_more(string sourceType, int count, bool allowed)
    {
        var check = ApplianceLimits.Check(sourceType, count);
        Assert.Equal(allowed, check.Allowed);
        Assert.Equal(allowed, check.Message is null);
        if (!allowed)
        {
            Assert.Contains(ApplianceLimits.MaxServers(sourceType).ToString("N0", System.Globalization.CultureInfo.InvariantCulture), check.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void An_issued_credential_parses_and_verifies_and_nothing_else_does()
    {
        var projectId = Guid.NewGuid().ToString("N");
        var applianceId = ApplianceCredentials.NewId();
        var (credential, stored) = ApplianceCredentials.Issue(projectId, applianceId);
        var parsed = ApplianceCredentials.Parse(credential)!;
        Assert.Equal(projectId, parsed.ProjectId);
        Assert.Equal(applianceId, parsed.ApplianceId);
        Assert.True(ApplianceCredentials.Verify(stored, parsed.Secret));

        var (_, other) = ApplianceCredentials.Issue(projectId, applianceId);
        Assert.False(ApplianceCredentials.Verify(other, parsed.Secret));
        Assert.NotEqual(stored.Salt, other.Salt);
        Assert.False(ApplianceCredentials.Verify(stored, RandomNumberGenerator.GetBytes(32)));
        Assert.False(ApplianceCredentials.Verify(new StoredCredential([], []), parsed.Secret));

        // The stored hash is salted: not the plain SHA-256 of the secret.
        Assert.NotEqual(SHA256.HashData(parsed.Secret), stored.Hash);
        Assert.Equal(16, stored.Salt.Length);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("mh1.abc")]
    [InlineData("mh2.0123456789abcdef0123456789abcdef.0123456789abcdef0123456789abcdef.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("mh1.0123456789ABCDEF0123456789abcdef.0123456789abcdef0123456789abcdef.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("mh1.0123456789abcdef0123456789abcdef.0123456789abcdef0123456789abcdef.AAAA")]
    [InlineData("mh1.0123456789abcdef0123456789abcdef.0123456789abcdef0123456789abcdef.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.x")]
    public void Malformed_credentials_do_not_parse(string? credential) =>
        Assert.Null(ApplianceCredentials.Parse(credential));

    [Theory]
    [InlineData("x-key", "Bearer abc", "x-key")]
    [InlineData(null, "Bearer abc", "abc")]
    [InlineData(null, "bearer  abc ", "abc")]
    [InlineData(null, "Basic abc", null)]
    [InlineData(null, null, null)]
    public void The_credential_comes_from_the_header_or_a_bearer_token(string? header, string? authorization, string? expected) =>
        Assert.Equal(expected, ApplianceCredentials.FromHeaders(header, authorization));

    [Theory]
    [InlineData("vc-01", null)]
    [InlineData("a", null)]
    [InlineData("abcdefghijklmn", null)]
    [InlineData("abcdefghijklmno", "14")]
    [InlineData("-vc", "starts")]
    [InlineData("vc_1", "only")]
    [InlineData("", "required")]
    public void Appliance_names_follow_azure_migrate(string name, string? error)
    {
        var result = ApplianceNames.Validate(name);
        if (error is null)
        {
            Assert.Null(result);
        }
        else
        {
            Assert.Contains(error, result, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("Hyper-V", "HyperV")]
    [InlineData(" physical ", "Physical")]
    [InlineData("VMWARE", "VMware")]
    [InlineData("AWS", null)]
    public void Source_types_are_normalised(string value, string? expected) =>
        Assert.Equal(expected, ApplianceSourceTypes.Normalize(value));
}
