using System.Reflection;
using System.Text.Json.Nodes;
using Cronos;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using MigrateHub.Functions.Projects;

namespace MigrateHub.Functions.Tests;

/// <summary>
/// Reads the functions.metadata that the Functions SDK writes at build time (what the Functions
/// host will index in Azure) and checks it against the code: every function, trigger, route and
/// schedule, and a wrapper for every orchestrator and activity class.
/// </summary>
public sealed class FunctionCatalogTests
{
    private static readonly Assembly FunctionsAssembly = typeof(ProjectsApi).Assembly;
    private static readonly Assembly OrchestrationsAssembly = typeof(MigrateHub.Orchestrations.Retries).Assembly;
    private static readonly Lazy<JsonArray> Metadata = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "functions.metadata");
        Assert.True(File.Exists(path), $"functions.metadata was not emitted next to the tests ({path}); build with the Functions SDK enabled.");
        return JsonNode.Parse(File.ReadAllText(path))!.AsArray();
    });

    private static IEnumerable<JsonNode> Functions => Metadata.Value.Select(f => f!);

    private static JsonNode Function(string name) =>
        Functions.SingleOrDefault(f => f["name"]!.GetValue<string>() == name)
        ?? throw new Xunit.Sdk.XunitException($"functions.metadata has no function '{name}'.");

    private static JsonNode Trigger(JsonNode function) =>
        function["bindings"]!.AsArray().Single(b => b!["type"]!.GetValue<string>().EndsWith("Trigger", StringComparison.Ordinal))!;

    private static IEnumerable<(MethodInfo Method, FunctionAttribute Attribute)> DeclaredFunctions =>
        FunctionsAssembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<FunctionAttribute>()))
            .Where(x => x.Attribute is not null)
            .Select(x => (x.Method, x.Attribute!));

    [Fact]
    public void Every_declared_function_is_in_the_metadata_and_nothing_else_is()
    {
        var declared = DeclaredFunctions.Select(f => f.Attribute.Name).OrderBy(n => n, StringComparer.Ordinal).ToList();
        var emitted = Functions.Select(f => f["name"]!.GetValue<string>()).OrderBy(n => n, StringComparer.Ordinal).ToList();
        Assert.Equal(declared, emitted);
        Assert.Equal(emitted.Count, emitted.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void Every_entry_point_names_the_method_that_declares_the_function()
    {
        foreach (var (method, attribute) in DeclaredFunctions)
        {
            var function = Function(attribute.Name);
            Assert.Equal("MigrateHub.Functions.dll", function["scriptFile"]!.GetValue<string>());
            Assert.Equal($"{method.DeclaringType!.FullName}.{method.Name}", function["entryPoint"]!.GetValue<string>());
        }
    }

    [Fact]
    public void Http_triggers_match_their_attributes_and_user_apis_need_a_key()
    {
        var http = DeclaredFunctions
            .Select(f => (f.Attribute.Name, Trigger: f.Method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null)))
            .Where(f => f.Trigger is not null)
            .ToList();
        Assert.NotEmpty(http);
        foreach (var (name, attribute) in http)
        {
            var trigger = Trigger(Function(name));
            Assert.Equal("httpTrigger", trigger["type"]!.GetValue<string>());
            Assert.Equal(attribute!.Route, trigger["route"]?.GetValue<string>());
            Assert.Equal(attribute.Methods!.Select(m => m.ToLowerInvariant()), trigger["methods"]!.AsArray().Select(m => m!.GetValue<string>()));
            Assert.Equal(attribute.AuthLevel.ToString(), trigger["authLevel"]!.GetValue<string>());
        }

        // Routes are unique per method, as the Functions host requires.
        var routes = http.SelectMany(f => f.Trigger!.Methods!.Select(m => $"{m.ToUpperInvariant()} {f.Trigger.Route}")).ToList();
        Assert.Equal(routes.Count, routes.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Theory]
    [InlineData(nameof(ProjectsApi.CreateProject), "put", "projects/{projectName}")]
    [InlineData(nameof(ProjectsApi.GetProject), "get", "projects/{projectName}")]
    [InlineData(nameof(ProjectsApi.ListProjects), "get", "projects")]
    [InlineData(nameof(ProjectsApi.DeleteProject), "delete", "projects/{projectName}")]
    public void The_project_api_is_declared_as_documented(string name, string method, string route)
    {
        var function = Function(name);
        var trigger = Trigger(function);
        Assert.Equal(route, trigger["route"]!.GetValue<string>());
        Assert.Equal([method], trigger["methods"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal("Function", trigger["authLevel"]!.GetValue<string>());
    }

    [Fact]
    public void Project_create_and_delete_get_a_durable_client()
    {
        foreach (var name in new[] { nameof(ProjectsApi.CreateProject), nameof(ProjectsApi.DeleteProject) })
        {
            Assert.Contains(Function(name)["bindings"]!.AsArray(), b => b!["type"]!.GetValue<string>() == "durableClient");
        }
    }

    [Fact]
    public void Timer_triggers_have_valid_six_field_schedules_matching_the_code()
    {
        var timers = DeclaredFunctions
            .Select(f => (f.Attribute.Name, Trigger: f.Method.GetParameters().Select(p => p.GetCustomAttribute<TimerTriggerAttribute>()).FirstOrDefault(a => a is not null)))
            .Where(f => f.Trigger is not null)
            .ToList();
        Assert.Contains(timers, t => t.Name == nameof(ProvisioningSweepTimer.ProvisioningSweep));
        foreach (var (name, attribute) in timers)
        {
            var trigger = Trigger(Function(name));
            Assert.Equal("timerTrigger", trigger["type"]!.GetValue<string>());
            var schedule = trigger["schedule"]!.GetValue<string>();
            Assert.Equal(attribute!.Schedule, schedule);
            if (!schedule.StartsWith('%'))
            {
                Assert.Equal(6, schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
                Assert.NotNull(CronExpression.Parse(schedule, CronFormat.IncludeSeconds).GetNextOccurrence(DateTime.UtcNow));
            }
        }

        Assert.Equal("0 */5 * * * *", Trigger(Function(nameof(ProvisioningSweepTimer.ProvisioningSweep)))["schedule"]!.GetValue<string>());
    }

    [Fact]
    public void Every_orchestrator_and_activity_class_has_a_wrapper_of_its_own_name_and_kind()
    {
        var classes = OrchestrationsAssembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false }).ToList();
        var orchestrators = classes.Where(t => typeof(ITaskOrchestrator).IsAssignableFrom(t)).ToList();
        var activities = classes.Where(t => typeof(ITaskActivity).IsAssignableFrom(t)).ToList();
        Assert.NotEmpty(orchestrators);
        Assert.NotEmpty(activities);

        foreach (var type in orchestrators)
        {
            Assert.Equal("orchestrationTrigger", Trigger(Function(type.Name))["type"]!.GetValue<string>());
        }

        foreach (var type in activities)
        {
            Assert.Equal("activityTrigger", Trigger(Function(type.Name))["type"]!.GetValue<string>());
            var wrapper = DeclaredFunctions.Single(f => f.Attribute.Name == type.Name).Method;
            var input = wrapper.GetParameters().Single(p => p.GetCustomAttribute<ActivityTriggerAttribute>() is not null).ParameterType;
            Assert.Equal(type.BaseType!.GetGenericArguments()[0], input);
        }

        // And no durable trigger exists without a class behind it.
        var durableFunctions = Functions.Where(f => Trigger(f)["type"]!.GetValue<string>() is "orchestrationTrigger" or "activityTrigger")
            .Select(f => f["name"]!.GetValue<string>());
        Assert.All(durableFunctions, name => Assert.Contains(name, orchestrators.Concat(activities).Select(t => t.Name)));
    }
}
