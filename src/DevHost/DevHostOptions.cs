namespace MigrateHub.DevHost;

/// <summary>How the DevHost runs.</summary>
public sealed class DevHostOptions
{
    /// <summary>The regions that get a stamp (their own storage and task hub).</summary>
    public IList<string> Regions { get; } = new List<string>();

    /// <summary>The regions used when none are given: one or two per geography of the sample run.</summary>
    public static IReadOnlyList<string> DefaultRegions { get; } = ["northeurope", "westeurope", "uksouth", "centralus"];

    /// <summary>HTTP port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>
    /// The key user calls must present (header <c>x-functions-key</c> or query <c>code</c>), as a
    /// function key does in Azure.
    /// </summary>
    public string FunctionKey { get; set; } = "local-dev-key";

    /// <summary>Whether timer triggers run on their schedules (tests invoke them explicitly).</summary>
    public bool TimersEnabled { get; set; } = true;

    /// <summary>Task hub name (the same in every region, as every stamp runs the same app).</summary>
    public string TaskHubName { get; set; } = "migratehub";

    /// <summary>Folder for local storage data; a temporary folder when null.</summary>
    public string? DataRoot { get; set; }

    /// <summary>Extra orchestrator or activity classes to run (tests use this).</summary>
    public IList<Type> ExtraDurableTypes { get; } = new List<Type>();

    /// <summary>Extra configuration values (key -> value) applied after the defaults.</summary>
    public IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    /// <summary>
    /// Visibility timeout of dequeued durable messages (activity work items and orchestration control messages).
    /// DTFx's default is 5 minutes, so a worker killed during an activity left it invisible that long; locally
    /// 30 seconds. The worker renews the lock of an activity that runs longer, so only a dead worker's messages wait.
    /// </summary>
    public TimeSpan DurableVisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Minimum level of log lines written to the console.</summary>
    public Microsoft.Extensions.Logging.LogLevel ConsoleLogLevel { get; set; } = Microsoft.Extensions.Logging.LogLevel.Warning;
}
