using System.Reflection;
using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.DependencyInjection;

namespace MigrateHub.DevHost.Durable;

/// <summary>
/// The orchestrator and activity classes the DevHost runs, by name (the class name, which is also
/// the name of the function wrapper that exposes the class in Azure).
/// </summary>
public sealed class DurableRegistry
{
    private readonly Dictionary<string, Type> _orchestrators = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Type> _activities = new(StringComparer.Ordinal);

    /// <summary>Orchestrator types by name.</summary>
    public IReadOnlyDictionary<string, Type> Orchestrators => _orchestrators;

    /// <summary>Activity types by name.</summary>
    public IReadOnlyDictionary<string, Type> Activities => _activities;

    /// <summary>Adds every concrete orchestrator and activity class of an assembly.</summary>
    public DurableRegistry AddAssembly(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        foreach (var type in assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false }))
        {
            Add(type);
        }

        return this;
    }

    /// <summary>Adds one orchestrator or activity class.</summary>
    public DurableRegistry Add(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (typeof(ITaskOrchestrator).IsAssignableFrom(type))
        {
            _orchestrators[type.Name] = type;
        }
        else if (typeof(ITaskActivity).IsAssignableFrom(type))
        {
            _activities[type.Name] = type;
        }

        return this;
    }

    internal INameVersionObjectManager<TaskOrchestration> OrchestrationManager(DurableTaskShimFactory shims, IServiceProvider services) =>
        new ShimManager<TaskOrchestration>(name => _orchestrators.TryGetValue(name, out var type)
            ? shims.CreateOrchestration(name, (ITaskOrchestrator)ActivatorUtilities.CreateInstance(services, type))
            : null);

    internal INameVersionObjectManager<TaskActivity> ActivityManager(DurableTaskShimFactory shims, IServiceProvider services) =>
        new ShimManager<TaskActivity>(name => _activities.TryGetValue(name, out var type)
            ? shims.CreateActivity(name, (ITaskActivity)ActivatorUtilities.CreateInstance(services, type))
            : null);

    /// <summary>Creates a fresh shim per execution, as the portable SDK expects.</summary>
    private sealed class ShimManager<T>(Func<string, T?> create) : INameVersionObjectManager<T>
        where T : class
    {
        public void Add(ObjectCreator<T> creator) =>
            throw new NotSupportedException("Register classes through DurableRegistry.");

        public T? GetObject(string name, string? version) => create(name);
    }
}
