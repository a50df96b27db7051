using System.Reflection;
using Microsoft.Extensions.Configuration;
using MigrateHub.Shared.Configuration;
using MigrateHub.Shared.Provisioning;
using MigrateHub.Shared.Storage;

namespace MigrateHub.Infra.Tests;

/// <summary>
/// The app's own code, fed with a stamp's app settings: the options bind completely, and every
/// trigger/binding connection and queue/container the Functions assembly declares exists.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class CodeBindingTests(InfraSnapshots infra)
{
    public static TheoryData<string> ParameterFiles => [.. InfraSnapshots.ParameterFiles];

    private static readonly Uri Placeholder = new("https://resolved-at-deployment.example/");

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void Stamp_settings_bind_to_complete_storage_options(string parameterFile)
    {
        foreach (var stamp in infra[parameterFile].Stamps)
        {
            var options = new HubStorageOptions();
            Configuration(stamp).GetSection(HubStorageOptions.Section).Bind(options);

            Assert.NotNull(options.Directory.TableServiceUri);
            var hosted = Assert.Single(options.Regions);
            Assert.Equal(stamp.Region, hosted.Key);
            Assert.NotNull(hosted.Value.TableServiceUri);
            Assert.NotNull(hosted.Value.BlobServiceUri);
            Assert.Null(hosted.Value.ConnectionString); // Azure uses the identity, never a connection string.
        }
    }

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void Target_provisioning_runs_against_Azure_with_the_stamps_identity(string parameterFile)
    {
        foreach (var stamp in infra[parameterFile].Stamps)
        {
            var options = new ArmProvisioningOptions();
            Configuration(stamp).GetSection(ArmProvisioningOptions.SectionName).Bind(options);

            Assert.Null(options.LocalEndpoint); // Azure, not the local ARM stand-in.
            // Unset, DefaultAzureCredential takes the user-assigned identity from AZURE_CLIENT_ID;
            // if the template ever sets it, it must be that same identity.
            Assert.True(
                options.ManagedIdentityClientId is null || options.ManagedIdentityClientId == Placeholder.ToString(),
                $"{parameterFile}, {stamp.Region}: unexpected provisioning identity '{options.ManagedIdentityClientId}'.");
            Assert.EndsWith(".clientId]", stamp.AppSettings[SettingNames.ManagedIdentityClientId], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Functions_assembly_declares_functions_to_inspect() =>
        Assert.NotEmpty(FunctionMethods(FunctionsAssembly));

    [Fact]
    public void Binding_discovery_finds_service_bus_and_blob_bindings_with_their_connections()
    {
        var found = Bindings(typeof(CodeBindingTests).Assembly).OrderBy(b => b.Function, StringComparer.Ordinal).ToList();

        Assert.Equal(
            [
                new Binding("SampleFunctions.Consume", BindingFamily.ServiceBus, "ServiceBusConnection", "%MigrateHub__SampleQueue%"),
                new Binding("SampleFunctions.Export", BindingFamily.Storage, "AzureWebJobsStorage", "exports"),
            ],
            found);
    }

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void Every_binding_connection_the_functions_use_is_identity_based_on_every_stamp(string parameterFile)
    {
        var bindings = Bindings(FunctionsAssembly).ToList();
        foreach (var stamp in infra[parameterFile].Stamps)
        {
            foreach (var binding in bindings.Where(b => b.Connection is not null))
            {
                var required = binding.Family == BindingFamily.ServiceBus
                    ? new[] { "__fullyQualifiedNamespace", "__credential", "__clientId" }
                    : ["__blobServiceUri", "__queueServiceUri", "__credential", "__clientId"];
                foreach (var suffix in required)
                {
                    Assert.True(
                        stamp.AppSettings.ContainsKey(binding.Connection + suffix),
                        $"{parameterFile}, {stamp.Region}: {binding.Function} uses connection '{binding.Connection}' but the stamp does not set {binding.Connection}{suffix}.");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void Every_queue_and_container_the_functions_bind_to_exists_on_every_stamp(string parameterFile)
    {
        var bindings = Bindings(FunctionsAssembly).ToList();
        foreach (var stamp in infra[parameterFile].Stamps)
        {
            var queues = stamp.OfType("Microsoft.ServiceBus/namespaces/queues").Select(q => DeploymentSnapshot.NameOf(q).Split('/')[^1]).ToHashSet();
            var containers = stamp.OfType("Microsoft.Storage/storageAccounts/blobServices/containers").Select(c => DeploymentSnapshot.NameOf(c).Split('/')[^1]).ToHashSet();
            foreach (var binding in bindings.Where(b => b.Entity is not null))
            {
                var entity = Resolve(binding.Entity!, stamp);
                var existing = binding.Family == BindingFamily.ServiceBus ? queues : containers;
                Assert.True(existing.Contains(entity), $"{parameterFile}, {stamp.Region}: {binding.Function} binds to '{entity}', which the stamp does not create.");
                Assert.Contains(entity, binding.Family == BindingFamily.ServiceBus ? ResourceNames.Queues : ResourceNames.BlobContainers);
            }
        }
    }

    private static IConfiguration Configuration(DeploymentSnapshot.Stamp stamp) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(stamp.AppSettings.Select(s => new KeyValuePair<string, string?>(
                s.Key.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal),
                s.Value.StartsWith('[') ? Placeholder.ToString() : s.Value)))
            .Build();

    private static string Resolve(string expression, DeploymentSnapshot.Stamp stamp) =>
        expression.Length > 2 && expression[0] == '%' && expression[^1] == '%'
            ? stamp.AppSettings.GetValueOrDefault(expression[1..^1]) ?? $"<unset setting {expression}>"
            : expression;

    internal enum BindingFamily
    {
        ServiceBus,
        Storage,
    }

    internal sealed record Binding(string Function, BindingFamily Family, string? Connection, string? Entity);

    private static Assembly FunctionsAssembly => Assembly.Load(new AssemblyName("MigrateHub.Functions"));

    private static IReadOnlyList<MethodInfo> FunctionMethods(Assembly assembly) =>
    [
        .. assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttributes().Any(a => a.GetType().FullName == "Microsoft.Azure.Functions.Worker.FunctionAttribute")),
    ];

    /// <summary>Service Bus and storage (blob/queue) bindings on parameters, returns and output-type properties.</summary>
    private static IEnumerable<Binding> Bindings(Assembly assembly)
    {
        foreach (var method in FunctionMethods(assembly))
        {
            var returnType = method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>)
                ? method.ReturnType.GetGenericArguments()[0]
                : method.ReturnType;
            var attributes = method.GetParameters().SelectMany(p => p.GetCustomAttributes())
                .Concat(method.ReturnParameter.GetCustomAttributes())
                .Concat(returnType.GetProperties().SelectMany(p => p.GetCustomAttributes()));

            foreach (var attribute in attributes)
            {
                var name = attribute.GetType().Name;
                BindingFamily? family = name.StartsWith("ServiceBus", StringComparison.Ordinal) ? BindingFamily.ServiceBus
                    : name.StartsWith("Blob", StringComparison.Ordinal) || name.StartsWith("Queue", StringComparison.Ordinal) ? BindingFamily.Storage
                    : null;
                if (family is null)
                {
                    continue;
                }

                var connection = Property(attribute, "Connection");
                var defaultConnection = family == BindingFamily.ServiceBus ? "AzureWebJobsServiceBus" : "AzureWebJobsStorage";
                var entity = family == BindingFamily.ServiceBus
                    ? Property(attribute, "QueueName")
                    : Property(attribute, "BlobPath")?.Split('/')[0] ?? Property(attribute, "BlobContainerPath")?.Split('/')[0];
                yield return new Binding($"{method.DeclaringType?.Name}.{method.Name}", family.Value, string.IsNullOrEmpty(connection) ? defaultConnection : connection, entity);
            }
        }
    }

    private static string? Property(Attribute attribute, string name) =>
        attribute.GetType().GetProperty(name)?.GetValue(attribute) as string;
}
