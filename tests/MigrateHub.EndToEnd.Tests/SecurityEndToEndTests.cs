using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Collections.Concurrent;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MigrateHub.Shared.Appliances;
using static MigrateHub.EndToEnd.Tests.AppliancesTestApi;

namespace MigrateHub.EndToEnd.Tests;

[Collection(ProjectRulesCollection.Name)]
public sealed class SecurityEndToEndTests(DevHostFixture fixture)
{
    [Fact]
    public async Task Calls_without_a_credential_are_401_for_users_and_appliances()
    {
        using var client = new HubClient(fixture.Host);
        var project = NewName("sec-none");
        await CreateProjectAsync(client, project, "Europe");
        var appliance = NewApplianceName();
        await RegisterAsync(client, project, appliance, "VMware");

        using var anonymous = new HttpClient { BaseAddress = new Uri(fixture.Host.BaseUrl) };
        var userCalls = new (HttpMethod Method, string Path)[]
        {
            (HttpMethod.Get, "api/geographies"),
            (HttpMethod.Get, "api/geographies/europe"),
            (HttpMethod.Get, $"api/projects/{project}"),
            (HttpMethod.Patch, $"api/projects/{project}"),
            (HttpMethod.Get, $"api/projects/{project}/appliances"),
            (HttpMethod.Get, $"api/projects/{project}/appliances/{appliance}"),
            (HttpMethod.Put, $"api/projects/{project}/appliances/other1"),
            (HttpMethod.Post, $"api/projects/{project}/appliances/{appliance}/rotateCredential"),
            (HttpMethod.Post, $"api/projects/{project}/appliances/{appliance}/revoke"),
            (HttpMethod.Delete, $"api/projects/{project}/appliances/{appliance}"),
            (HttpMethod.Post, $"api/projects/{project}/export"),
            (HttpMethod.Post, "admin/functions/ApplianceHealthCheck"),
        };
        foreach (var (method, path) in userCalls)
        {
            using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(new { sourceType = "VMware" }) };
            using var response = await anonymous.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} answered {response.StatusCode}");
        }

        using var heartbeat = await HeartbeatAsync(client, project, appliance, key: null);
        Assert.Equal(HttpStatusCode.Unauthorized, heartbeat.StatusCode);
        Assert.Equal("application/problem+json", heartbeat.Content.Headers.ContentType!.MediaType);
        using var garbage = await HeartbeatAsync(client, project, appliance, "not-a-credential");
        Assert.Equal(HttpStatusCode.Unauthorized, garbage.StatusCode);

        // Nothing changed: still registered, never seen.
        var read = await HubClient.JsonAsync(await client.GetAsync($"api/projects/{project}/appliances/{appliance}"));
        Assert.Equal("NotConnected", read["properties"]!["health"]!.GetValue<string>());
        using var other = await client.GetAsync($"api/projects/{project}/appliances/other1");
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }

    [Fact]
    public async Task An_appliance_credential_of_another_project_is_403_and_nothing_is_written()
    {
        using var client = new HubClient(fixture.Host);
        var mine = NewName("sec-mine");
        var theirs = NewName("sec-theirs");
        await CreateProjectAsync(client, mine, "Europe");
        var (theirId, theirRegion) = await CreateProjectAsync(client, theirs, "United States");
        var myAppliance = NewApplianceName();
        var theirAppliance = NewApplianceName();
        var (_, myKey) = await RegisterAsync(client, mine, myAppliance, "VMware");
        await RegisterAsync(client, theirs, theirAppliance, "HyperV");
        var before = await SnapshotAsync(theirRegion, theirId);

        // My credential on their project (with their appliance's name or mine), and on my project under another appliance's name.
        using var onTheirAppliance = await HeartbeatAsync(client, theirs, theirAppliance, myKey, new { discoveredServers = 5 });
        using var onTheirProject = await HeartbeatAsync(client, theirs, myAppliance, myKey);
        Assert.Equal(HttpStatusCode.Forbidden, onTheirAppliance.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, onTheirProject.StatusCode);
        Assert.Contains("another project", (await HubClient.JsonAsync(onTheirAppliance))["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        Assert.Equal(before, await SnapshotAsync(theirRegion, theirId));
        var theirs2 = await HubClient.JsonAsync(await client.GetAsync($"api/projects/{theirs}/appliances/{theirAppliance}"));
        Assert.Null(theirs2["properties"]!["lastSeen"]);

        // A user key is not an appliance credential, and an appliance credential is not a user key.
        using var userKeyAsAppliance = await HeartbeatAsync(client, mine, myAppliance, fixture.Host.Options.FunctionKey);
        Assert.Equal(HttpStatusCode.Unauthorized, userKeyAsAppliance.StatusCode);
        using var applianceAsUser = new HubClient(fixture.Host, myKey);
        using var listWithApplianceKey = await applianceAsUser.GetAsync($"api/projects/{mine}/appliances");
        Assert.Equal(HttpStatusCode.Unauthorized, listWithApplianceKey.StatusCode);
    }

    [Fact]
    public async Task A_revoked_or_tampered_credential_is_401_and_the_bearer_form_works()
    {
        using var client = new HubClient(fixture.Host);
        var project = NewName("sec-revoke");
        await CreateProjectAsync(client, project, "United Kingdom");
        var appliance = NewApplianceName();
        var (_, key) = await RegisterAsync(client, project, appliance, "Physical");

        using (var bearer = new HttpRequestMessage(HttpMethod.Post, $"api/projects/{project}/appliances/{appliance}/heartbeat"))
        using (var http = new HttpClient { BaseAddress = new Uri(fixture.Host.BaseUrl) })
        {
            bearer.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(bearer)).StatusCode);
        }

        // Same ids, another secret.
        var parts = key.Split('.');
        var forged = string.Join('.', parts[0], parts[1], parts[2], System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32)));
        Assert.Equal(HttpStatusCode.Unauthorized, (await HeartbeatAsync(client, project, appliance, forged)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await client.Http.PostAsync($"api/projects/{project}/appliances/{appliance}/revoke", null)).StatusCode);
        using var revoked = await HeartbeatAsync(client, project, appliance, key);
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        Assert.Equal("Revoked", (await HubClient.JsonAsync(await client.GetAsync($"api/projects/{project}/appliances/{appliance}")))["properties"]!["credentialState"]!.GetValue<string>());
    }

    [Fact]
    public async Task Credentials_are_stored_only_as_a_salted_hash()
    {
        using var client = new HubClient(fixture.Host);
        var project = NewName("sec-hash");
        var (projectId, region) = await CreateProjectAsync(client, project, "Europe");
        var first = NewApplianceName();
        var second = NewApplianceName();
        var (body, key) = await RegisterAsync(client, project, first, "VMware");
        var (_, otherKey) = await RegisterAsync(client, project, second, "VMware");
        using var rotate = await client.Http.PostAsync($"api/projects/{project}/appliances/{first}/rotateCredential", null);
        var rotated = (await HubClient.JsonAsync(rotate))["credential"]!["key"]!.GetValue<string>();

        foreach (var credential in new[] { key, otherKey, rotated })
        {
            var secret = credential.Split('.')[3];
            var secretBytes = System.Buffers.Text.Base64Url.DecodeFromChars(secret);
            foreach (var storage in fixture.Host.Stack.Regions.Values.Append(fixture.Host.Stack.Directory))
            {
                foreach (var form in new[] { credential, secret, Convert.ToBase64String(secretBytes), Convert.ToHexString(secretBytes), Convert.ToHexStringLower(secretBytes) })
                {
                    Assert.Empty(await StorageScanner.FindAsync(storage, form));
                }

                // Nor the unsalted hash of the secret.
                Assert.Empty(await StorageScanner.FindAsync(storage, Convert.ToBase64String(SHA256.HashData(secretBytes))));
            }
        }

        // What is stored: a 16-byte salt and a 32-byte hash per appliance, different salts.
        var table = new TableServiceClient(fixture.Host.Stack.Regions[region].ConnectionString).GetTableClient(ApplianceRepository.TableName);
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == projectId))
        {
            rows.Add(row);
        }

        var applianceRows = rows.Where(r => r.RowKey.StartsWith("id-", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, applianceRows.Count);
        Assert.All(applianceRows, r => Assert.Equal(16, r.GetBinary("CredentialSalt")!.Length));
        Assert.All(applianceRows, r => Assert.Equal(32, r.GetBinary("CredentialHash")!.Length));
        Assert.NotEqual(applianceRows[0].GetBinary("CredentialSalt"), applianceRows[1].GetBinary("CredentialSalt"));
        var firstRow = applianceRows.Single(r => r.GetString("Name") == first);
        Assert.False(ApplianceCredentials.Verify(new StoredCredential(firstRow.GetBinary("CredentialSalt")!, firstRow.GetBinary("CredentialHash")!), ApplianceCredentials.Parse(key)!.Secret));
        Assert.True(ApplianceCredentials.Verify(new StoredCredential(firstRow.GetBinary("CredentialSalt")!, firstRow.GetBinary("CredentialHash")!), ApplianceCredentials.Parse(rotated)!.Secret));
        Assert.Equal(body["appliance"]!["properties"]!["applianceId"]!.GetValue<string>(), firstRow.GetString("ApplianceId"));
    }

    [Fact]
    public async Task No_credential_appears_in_the_logs_of_registration_refusals_rotation_and_revocation()
    {
        using var capture = new CapturingLoggerProvider();
        fixture.Host.Services.GetRequiredService<ILoggerFactory>().AddProvider(capture);
        using var client = new HubClient(fixture.Host);
        var project = NewName("sec-logs");
        var other = NewName("sec-logs2");
        await CreateProjectAsync(client, project, "Europe");
        await CreateProjectAsync(client, other, "Europe");
        var appliance = NewApplianceName();
        var (body, key) = await RegisterAsync(client, project, appliance, "VMware");
        var applianceId = body["appliance"]!["properties"]!["applianceId"]!.GetValue<string>();
        var parts = key.Split('.');
        var forged = string.Join('.', parts[0], parts[1], parts[2], System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32)));

        await HeartbeatAsync(client, project, appliance, forged);
        await HeartbeatAsync(client, other, appliance, key);
        using var rotate = await client.Http.PostAsync($"api/projects/{project}/appliances/{appliance}/rotateCredential", null);
        var rotated = (await HubClient.JsonAsync(rotate))["credential"]!["key"]!.GetValue<string>();
        await client.Http.PostAsync($"api/projects/{project}/appliances/{appliance}/revoke", null);
        await HeartbeatAsync(client, project, appliance, rotated);

        var lines = capture.Lines.ToList();
        Assert.Contains(lines, l => l.Contains(applianceId, StringComparison.Ordinal));
        foreach (var secret in new[] { key, rotated, forged }.Select(k => k.Split('.')[3]))
        {
            Assert.DoesNotContain(lines, l => l.Contains(secret, StringComparison.Ordinal));
        }

        Assert.DoesNotContain(lines, l => l.Contains(fixture.Host.Options.FunctionKey, StringComparison.Ordinal));
    }

    /// <summary>Keeps every log line (message and structured values) written while a test runs.</summary>
    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        private bool _disposed;

        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose() => _disposed = true;

        private sealed class Logger(CapturingLoggerProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => !owner._disposed;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (owner._disposed)
                {
                    return;
                }

                var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(";", pairs.Select(p => $"{p.Key}={p.Value}")) : string.Empty;
                owner.Lines.Enqueue($"{logLevel} {formatter(state, exception)} {values} {exception}");
            }
        }
    }

    private async Task<string> SnapshotAsync(string region, string projectId)
    {
        var lines = new List<string>();
        var tables = new TableServiceClient(fixture.Host.Stack.Regions[region].ConnectionString);
        await foreach (var table in tables.QueryAsync())
        {
            await foreach (var entity in tables.GetTableClient(table.Name).QueryAsync<TableEntity>(e => e.PartitionKey == projectId))
            {
                lines.Add($"{table.Name}/{entity.RowKey}/{entity.ETag}");
            }
        }

        return string.Join('\n', lines.Order(StringComparer.Ordinal));
    }
}
