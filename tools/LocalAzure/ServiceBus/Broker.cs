using System.Collections.Concurrent;
using System.Runtime.Serialization;
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Encoding;
using Microsoft.Azure.Amqp.Framing;
using Microsoft.Azure.Amqp.Sasl;
using Microsoft.Azure.Amqp.Transaction;
using Microsoft.Azure.Amqp.Transport;

namespace MigrateHub.LocalAzure.ServiceBus;

/// <summary>The AMQP side: listener, connections and link routing (IRuntimeProvider of Microsoft.Azure.Amqp).</summary>
internal sealed class Broker : IRuntimeProvider
{
    private const uint RpcCredit = 200;
    private readonly LocalServiceBus bus;
    private readonly ConcurrentDictionary<AmqpConnection, byte> connections = new();
    private readonly ConcurrentDictionary<string, SendingAmqpLink> replyLinks = new(StringComparer.Ordinal);
    private readonly string containerId = "local-servicebus-" + Environment.ProcessId;
    private AmqpSettings? settings;
    private TransportListener? listener;

    public Broker(LocalServiceBus bus)
    {
        this.bus = bus;
    }

    public void Start(int port)
    {
        var amqpSettings = new AmqpSettings { RuntimeProvider = this };
        var sasl = new SaslTransportProvider();
        sasl.AddHandler(new SaslAnonymousHandler("MSSBCBS"));
        sasl.AddHandler(new SaslAnonymousHandler());
        sasl.Versions.Add(new AmqpVersion(1, 0, 0));
        amqpSettings.TransportProviders.Add(sasl);
        var amqp = new AmqpTransportProvider();
        amqp.Versions.Add(new AmqpVersion(1, 0, 0));
        amqpSettings.TransportProviders.Add(amqp);
        settings = amqpSettings;

        var tcp = new TcpTransportSettings { Host = "127.0.0.1", Port = port };
        listener = new AmqpTransportListener(new TransportListener[] { tcp.CreateListener() }, amqpSettings);
        listener.Listen(OnAcceptTransport);
    }

    public Task StopAsync()
    {
        listener?.Close();
        foreach (AmqpConnection connection in connections.Keys)
        {
            connection.SafeClose();
        }

        connections.Clear();
        return Task.CompletedTask;
    }

    private void OnAcceptTransport(TransportListener source, TransportAsyncCallbackArgs args)
    {
        var connectionSettings = new AmqpConnectionSettings
        {
            ContainerId = containerId,
            MaxFrameSize = 256 * 1024,
            IdleTimeOut = 4 * 60 * 1000,
        };
        AmqpConnection? connection = null;
        try
        {
            connection = new AmqpConnection(args.Transport, (ProtocolHeader)args.UserToken, false, settings!, connectionSettings);
            connection.BeginOpen(AmqpConstants.DefaultTimeout, OnConnectionOpened, connection);
        }
        catch (Exception ex) when (ex is AmqpException or InvalidOperationException or IOException)
        {
            connection?.SafeClose(ex);
        }
    }

    private void OnConnectionOpened(IAsyncResult result)
    {
        var connection = (AmqpConnection)result.AsyncState!;
        try
        {
            connection.EndOpen(result);
            connections[connection] = 0;
            connection.SafeAddClosed((_, _) => connections.TryRemove(connection, out _));
        }
        catch (Exception ex) when (ex is AmqpException or InvalidOperationException or IOException or TimeoutException or OperationCanceledException)
        {
            connection.SafeClose(ex);
        }
    }

    public AmqpConnection CreateConnection(TransportBase transport, ProtocolHeader protocolHeader, bool isInitiator, AmqpSettings amqpSettings, AmqpConnectionSettings connectionSettings) =>
        new(transport, protocolHeader, isInitiator, amqpSettings, connectionSettings);

    public AmqpSession CreateSession(AmqpConnection connection, AmqpSessionSettings sessionSettings) =>
        new(connection, sessionSettings, this);

    public AmqpLink CreateLink(AmqpSession session, AmqpLinkSettings linkSettings)
    {
        if (linkSettings.IsReceiver())
        {
            if (linkSettings.Target is Coordinator)
            {
                throw new AmqpException(AmqpErrorCode.NotImplemented, "Transactions are not supported by the local Service Bus endpoint.");
            }

            string address = AddressOf(linkSettings, true);
            // Sender links to entities advertise the configured limit; request links carry whole messages plus a little.
            ulong limit = (ulong)bus.MaxMessageSizeBytes;
            linkSettings.MaxMessageSize = address.EndsWith(AmqpNames.ManagementSuffix, StringComparison.OrdinalIgnoreCase) || address == AmqpNames.CbsNode
                ? limit * 4 + 64 * 1024
                : limit;
            return new ReceivingAmqpLink(session, linkSettings);
        }

        linkSettings.MaxMessageSize = (ulong)bus.MaxMessageSizeBytes * 4 + 64 * 1024;
        return new SendingAmqpLink(session, linkSettings);
    }

    public IAsyncResult BeginOpenLink(AmqpLink link, TimeSpan timeout, AsyncCallback callback, object state)
    {
        Task opened;
        try
        {
            opened = OpenLink(link, timeout);
        }
        catch (AmqpException ex)
        {
            opened = Task.FromException(ex);
        }

        return ApmResult(opened, callback, state);
    }

    public void EndOpenLink(IAsyncResult result) => ((Task)result).GetAwaiter().GetResult();

    private static Task ApmResult(Task task, AsyncCallback callback, object state)
    {
        var completion = new TaskCompletionSource(state);
        task.ContinueWith(
            t =>
            {
                if (t.IsFaulted)
                {
                    completion.TrySetException(t.Exception!.InnerExceptions);
                }
                else if (t.IsCanceled)
                {
                    completion.TrySetCanceled();
                }
                else
                {
                    completion.TrySetResult();
                }

                callback?.Invoke(completion.Task);
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return completion.Task;
    }

    private static string AddressOf(AmqpLinkSettings linkSettings, bool isReceiver)
    {
        Address? address = isReceiver ? (linkSettings.Target as Target)?.Address : (linkSettings.Source as Source)?.Address;
        string? text = address?.ToString();
        if (string.IsNullOrEmpty(text))
        {
            throw new AmqpException(AmqpErrorCode.InvalidField, "The link has no address.");
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) && (uri.Scheme is "amqp" or "amqps" or "sb"))
        {
            text = Uri.UnescapeDataString(uri.AbsolutePath);
        }

        return text.Trim('/');
    }

    private Task OpenLink(AmqpLink link, TimeSpan timeout)
    {
        string address = AddressOf(link.Settings, link.IsReceiver);
        if (address == AmqpNames.CbsNode)
        {
            AttachRequestResponse(link, request => HandleCbs(request));
            return Task.CompletedTask;
        }

        if (address.EndsWith(AmqpNames.ManagementSuffix, StringComparison.OrdinalIgnoreCase))
        {
            string entityPath = address[..^AmqpNames.ManagementSuffix.Length];
            QueueEntity managed = bus.FindEntity(entityPath) ?? throw NotFound(entityPath);
            AttachRequestResponse(link, request => Management.Handle(managed, request));
            return Task.CompletedTask;
        }

        QueueEntity entity = bus.FindEntity(address) ?? throw NotFound(address);
        if (link.IsReceiver)
        {
            if (entity.IsDeadLetterQueue)
            {
                throw new AmqpException(AmqpErrorCode.NotAllowed, $"Messages cannot be sent to the dead-letter queue '{entity.Name}'.");
            }

            var receiver = (ReceivingAmqpLink)link;
            receiver.RegisterMessageListener(message => OnPublish(entity, receiver, message));
            receiver.SetTotalLinkCredit(500, true, true);
            return Task.CompletedTask;
        }

        var sender = (SendingAmqpLink)link;
        (bool hasSessionFilter, string? sessionId) = ReadSessionFilter(sender.Settings);
        if (entity.RequiresSession && !hasSessionFilter)
        {
            throw new AmqpException(AmqpErrorCode.NotAllowed,
                $"The queue '{entity.Name}' requires sessions: use a session receiver (AcceptNextSessionAsync / AcceptSessionAsync).");
        }

        if (!entity.RequiresSession && hasSessionFilter)
        {
            throw new AmqpException(AmqpErrorCode.NotAllowed, $"The entity '{entity.Name}' is not session-enabled.");
        }

        var consumer = new Consumer(entity, sender);
        consumer.Start();
        entity.AddConsumer(consumer);
        if (!hasSessionFilter)
        {
            return Task.CompletedTask;
        }

        TimeSpan wait = timeout;
        if (sender.Settings.Properties is { } properties &&
            properties.TryGetValue(new AmqpSymbol(AmqpNames.ServerTimeout), out object? value) && value is uint ms)
        {
            wait = TimeSpan.FromMilliseconds(ms);
        }

        // Answer a little before the client gives up so it sees our timeout rather than its own.
        wait = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(100).Ticks, (long)(wait.Ticks * 0.9)));
        return entity.AcceptSessionAsync(consumer, sessionId, wait);
    }

    private static (bool Present, string? SessionId) ReadSessionFilter(AmqpLinkSettings linkSettings)
    {
        if (linkSettings.Source is Source { FilterSet: { } filters })
        {
            foreach (KeyValuePair<MapKey, object> pair in filters)
            {
                if (pair.Key.Key is AmqpSymbol symbol && symbol.Value == AmqpNames.SessionFilter)
                {
                    return (true, pair.Value as string);
                }
            }
        }

        return (false, null);
    }

    private static AmqpException NotFound(string path) =>
        new(AmqpErrorCode.NotFound, $"The messaging entity '{path}' could not be found on the local Service Bus endpoint.");

    private void OnPublish(QueueEntity entity, ReceivingAmqpLink link, AmqpMessage message)
    {
        Outcome outcome;
        try
        {
            var items = new List<(byte[], IncomingInfo)>();
            long size = 0;
            if (message.MessageFormat == AmqpNames.BatchMessageFormat)
            {
                foreach (Data data in message.DataBody)
                {
                    byte[] bytes = MessageCodec.SegmentToArray(data.Value);
                    size += bytes.Length;
                    items.Add((bytes, MessageCodec.ReadInfo(MessageCodec.Decode(bytes))));
                }
            }
            else
            {
                byte[] bytes = MessageCodec.ReceivedBytes(message);
                size = bytes.Length;
                items.Add((bytes, MessageCodec.ReadInfo(MessageCodec.Decode(bytes))));
            }

            if (size > bus.MaxMessageSizeBytes)
            {
                outcome = new Rejected
                {
                    Error = new Error
                    {
                        Condition = AmqpErrorCode.MessageSizeExceeded,
                        Description = $"The message ({size} bytes) exceeds the maximum message size of {bus.MaxMessageSizeBytes} bytes for '{entity.Name}'.",
                    },
                };
            }
            else
            {
                Error? error = entity.Enqueue(items);
                outcome = error is null ? new Accepted() : new Rejected { Error = error };
            }
        }
        catch (AmqpException ex)
        {
            outcome = new Rejected { Error = ex.Error };
        }
        catch (Exception ex) when (ex is InvalidCastException or FormatException or ArgumentException or InvalidOperationException or SerializationException)
        {
            outcome = new Rejected { Error = new Error { Condition = AmqpErrorCode.DecodeError, Description = "The message could not be decoded: " + ex.Message } };
        }

        link.DisposeDelivery(message, true, outcome);
        message.Dispose();
    }

    // ---------------------------------------------------------------- request/response nodes ($cbs, $management)

    private void AttachRequestResponse(AmqpLink link, Func<AmqpMessage, AmqpMessage> handler)
    {
        if (link is ReceivingAmqpLink requests)
        {
            requests.RegisterMessageListener(request => OnRequest(requests, request, handler));
            requests.SetTotalLinkCredit(RpcCredit, true, true);
            return;
        }

        var replies = (SendingAmqpLink)link;
        string replyTo = (replies.Settings.Target as Target)?.Address?.ToString()
            ?? throw new AmqpException(AmqpErrorCode.InvalidField, "A response link needs a target address (the reply-to).");
        replyLinks[replyTo] = replies;
        replies.SafeAddClosed((_, _) => replyLinks.TryRemove(new KeyValuePair<string, SendingAmqpLink>(replyTo, replies)));
    }

    private void OnRequest(ReceivingAmqpLink link, AmqpMessage request, Func<AmqpMessage, AmqpMessage> handler)
    {
        AmqpMessage response;
        try
        {
            response = handler(request);
        }
        catch (AmqpException ex)
        {
            response = Management.ErrorResponse(ex.Error);
        }
        catch (Exception ex) when (ex is InvalidCastException or FormatException or ArgumentException or InvalidOperationException or SerializationException)
        {
            response = Management.ErrorResponse(new Error { Condition = AmqpErrorCode.InternalError, Description = ex.Message });
        }

        MessageId? messageId = request.Properties?.MessageId;
        string? replyTo = request.Properties?.ReplyTo?.ToString();
        link.DisposeDelivery(request, true, new Accepted());
        request.Dispose();
        if (replyTo is null || !replyLinks.TryGetValue(replyTo, out SendingAmqpLink? replies))
        {
            return;
        }

        response.Properties.CorrelationId = messageId;
        replies.SendMessageNoWait(response, new ArraySegment<byte>(Guid.NewGuid().ToByteArray()), AmqpConstants.NullBinary);
    }

    private static AmqpMessage HandleCbs(AmqpMessage request)
    {
        // Any token is accepted: this endpoint is for local development only.
        AmqpMessage response = AmqpMessage.Create();
        response.ApplicationProperties = new ApplicationProperties();
        response.ApplicationProperties.Map["status-code"] = 202;
        response.ApplicationProperties.Map["status-description"] = "Accepted";
        return response;
    }
}
