using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask.Client;
using MigrateHub.Functions.Http;

namespace MigrateHub.DevHost.Durable;

/// <summary>
/// The instance management endpoints of Durable Functions' HTTP API, served by the DevHost over
/// the local task hubs, with the same routes, status codes and JSON shapes.
/// </summary>
public static class DurableWebhooks
{
    /// <summary>Maps <c>/runtime/webhooks/durabletask/instances...</c>.</summary>
    public static IEndpointRouteBuilder MapDurableWebhooks(this IEndpointRouteBuilder endpoints, RouteGroupBuilder? group = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var instances = group ?? endpoints.MapGroup("/" + DurableHttpLinks.WebhookPath.TrimEnd('/'));

        instances.MapGet("/{instanceId}", async (string instanceId, bool? showInput, RoutingDurableTaskClient client, HttpContext http) =>
        {
            var metadata = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: showInput ?? true, http.RequestAborted);
            if (metadata is null)
            {
                return Results.Problem(statusCode: 404, title: "Not found.", detail: $"No orchestration instance '{instanceId}'.");
            }

            var status = metadata.RuntimeStatus switch
            {
                OrchestrationRuntimeStatus.Completed => StatusCodes.Status200OK,
                OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated => StatusCodes.Status400BadRequest,
                _ => StatusCodes.Status202Accepted,
            };
            if (status == StatusCodes.Status202Accepted)
            {
                http.Response.Headers.Location = http.Request.Path + http.Request.QueryString;
                http.Response.Headers.RetryAfter = "1";
            }

            return Results.Json(ToStatus(metadata), RequestBody.Json, statusCode: status);
        });

        instances.MapGet("/", async (string? instanceIdPrefix, RoutingDurableTaskClient client, HttpContext http) =>
        {
            var list = new List<object>();
            await foreach (var metadata in client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = instanceIdPrefix, FetchInputsAndOutputs = true }).WithCancellation(http.RequestAborted))
            {
                list.Add(ToStatus(metadata));
            }

            return Results.Json(list, RequestBody.Json);
        });

        instances.MapPost("/{instanceId}/raiseEvent/{eventName}", async (string instanceId, string eventName, RoutingDurableTaskClient client, HttpContext http) =>
        {
            if (await client.GetInstanceAsync(instanceId, http.RequestAborted) is not { } metadata)
            {
                return Results.Problem(statusCode: 404, title: "Not found.", detail: $"No orchestration instance '{instanceId}'.");
            }

            if (metadata.IsCompleted)
            {
                return Results.Problem(statusCode: 410, title: "Gone.", detail: $"Instance '{instanceId}' is {metadata.RuntimeStatus}.");
            }

            var payload = http.Request.ContentLength is > 0 ? await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) : null;
            await client.RaiseEventAsync(instanceId, eventName, payload, http.RequestAborted);
            return Results.Accepted();
        });

        instances.MapPost("/{instanceId}/terminate", (string instanceId, string? reason, RoutingDurableTaskClient client, HttpContext http) =>
            Control(instanceId, client, http, () => client.TerminateInstanceAsync(instanceId, new TerminateInstanceOptions(reason), http.RequestAborted)));
        instances.MapPost("/{instanceId}/suspend", (string instanceId, string? reason, RoutingDurableTaskClient client, HttpContext http) =>
            Control(instanceId, client, http, () => client.SuspendInstanceAsync(instanceId, reason, http.RequestAborted)));
        instances.MapPost("/{instanceId}/resume", (string instanceId, string? reason, RoutingDurableTaskClient client, HttpContext http) =>
            Control(instanceId, client, http, () => client.ResumeInstanceAsync(instanceId, reason, http.RequestAborted)));

        instances.MapDelete("/{instanceId}", async (string instanceId, RoutingDurableTaskClient client, HttpContext http) =>
        {
            var result = await client.PurgeInstanceAsync(instanceId, http.RequestAborted);
            return result.PurgedInstanceCount == 0
                ? Results.Problem(statusCode: 404, title: "Not found.", detail: $"No orchestration instance '{instanceId}'.")
                : Results.Json(new { instancesDeleted = result.PurgedInstanceCount }, RequestBody.Json);
        });

        return endpoints;
    }

    private static async Task<IResult> Control(string instanceId, RoutingDurableTaskClient client, HttpContext http, Func<Task> action)
    {
        if (await client.GetInstanceAsync(instanceId, http.RequestAborted) is not { } metadata)
        {
            return Results.Problem(statusCode: 404, title: "Not found.", detail: $"No orchestration instance '{instanceId}'.");
        }

        if (metadata.IsCompleted)
        {
            return Results.Problem(statusCode: 410, title: "Gone.", detail: $"Instance '{instanceId}' is {metadata.RuntimeStatus}.");
        }

        await action();
        return Results.Accepted();
    }

    /// <summary>The status object of Durable Functions' HTTP API.</summary>
    public static object ToStatus(OrchestrationMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return new
        {
            name = metadata.Name,
            instanceId = metadata.InstanceId,
            runtimeStatus = metadata.RuntimeStatus.ToString(),
            input = Parse(metadata.SerializedInput),
            customStatus = Parse(metadata.SerializedCustomStatus),
            output = metadata.FailureDetails is { } failure ? JsonValue.Create(failure.ErrorMessage) : Parse(metadata.SerializedOutput),
            failureDetails = metadata.FailureDetails is { } f ? new { errorType = f.ErrorType, errorMessage = f.ErrorMessage } : null,
            createdTime = metadata.CreatedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            lastUpdatedTime = metadata.LastUpdatedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    private static JsonNode? Parse(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(json);
        }
        catch (System.Text.Json.JsonException)
        {
            return JsonValue.Create(json);
        }
    }
}
