using Cronos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MigrateHub.DevHost.Functions;

/// <summary>
/// Runs the Function App's timer triggers on their NCRONTAB schedules (six fields, seconds first;
/// <c>%Setting%</c> resolved from configuration), as the Functions host does.
/// </summary>
public sealed class TimerScheduler(
    IEnumerable<FunctionEntry> functions, FunctionInvoker invoker, IConfiguration configuration, TimeProvider clock, ILogger<TimerScheduler> logger)
    : BackgroundService
{
    /// <summary>Resolves a schedule expression, including <c>%AppSetting%</c> references.</summary>
    public static CronExpression Parse(string schedule, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(configuration);
        if (schedule.StartsWith('%') && schedule.EndsWith('%'))
        {
            var key = schedule.Trim('%');
            schedule = configuration[key] ?? configuration[key.Replace("__", ":", StringComparison.Ordinal)]
                ?? throw new InvalidOperationException($"Timer schedule setting '{key}' is not configured.");
        }

        return CronExpression.Parse(schedule, schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(functions.Where(f => f.Timer is not null).Select(f => RunAsync(f, stoppingToken)));

    private async Task RunAsync(FunctionEntry function, CancellationToken stoppingToken)
    {
        var expression = Parse(function.Timer!.Schedule, configuration);
        if (function.Timer.RunOnStartup)
        {
            await InvokeAsync(function, stoppingToken).ConfigureAwait(false);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow();
            var next = expression.GetNextOccurrence(now.UtcDateTime, TimeZoneInfo.Utc);
            if (next is null)
            {
                return;
            }

            try
            {
                await Task.Delay(next.Value - now.UtcDateTime, clock, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await InvokeAsync(function, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task InvokeAsync(FunctionEntry function, CancellationToken stoppingToken)
    {
        try
        {
            await invoker.InvokeTimerAsync(function, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Timer function {Function} failed", function.Name);
        }
    }
}
