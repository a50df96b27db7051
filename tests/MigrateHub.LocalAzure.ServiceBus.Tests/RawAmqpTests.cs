using System.Diagnostics;
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Encoding;
using Microsoft.Azure.Amqp.Framing;
using Microsoft.Azure.Amqp.Sasl;
using Microsoft.Azure.Amqp.Transport;

namespace MigrateHub.LocalAzure.ServiceBus.Tests;

/// <summary>Wire-level checks the ServiceBusClient cannot make on its own (it validates some things before sending).</summary>
[Collection(BusCollection.Name)]
public sealed class RawAmqpTests(BusFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task UnknownManagementOperation_AnsweredWith501AndNotImplemented()
    {
        (AmqpConnection connection, AmqpSession session) = await ConnectAsync();
        try
        {
            var link = new RequestResponseAmqpLink("entity-mgmt", "mgmt-test", session, "unsupported/$management");
            await link.OpenAsync(Timeout);
            AmqpMessage request = AmqpMessage.Create(new AmqpValue { Value = new AmqpMap() });
            request.ApplicationProperties.Map["operation"] = "com.microsoft:enumerate-rules";

            var watch = Stopwatch.StartNew();
            AmqpMessage response = await link.RequestAsync(request, Timeout);

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2));
            Assert.Equal(501, response.ApplicationProperties.Map["statusCode"]);
            Assert.Equal(new AmqpSymbol("amqp:not-implemented"), response.ApplicationProperties.Map["errorCondition"]);
            Assert.Contains("com.microsoft:enumerate-rules", (string)response.ApplicationProperties.Map["statusDescription"], StringComparison.Ordinal);
        }
        finally
        {
            await connection.CloseAsync(Timeout);
        }
    }

    [Fact]
    public async Task OversizedTransfer_RejectedByBrokerWithMessageSizeExceeded()
    {
        (AmqpConnection connection, AmqpSession session) = await ConnectAsync();
        try
        {
            var settings = new AmqpLinkSettings
            {
                LinkName = "raw-sender",
                Role = false,
                Source = new Source { Address = "raw" },
                Target = new Target { Address = "big" },
                SettleType = SettleMode.SettleOnReceive,
                InitialDeliveryCount = 0,
            };
            var link = new SendingAmqpLink(session, settings);
            await link.OpenAsync(Timeout);
            Assert.Equal(256UL * 1024, link.Settings.MaxMessageSize);

            long before = fixture.Bus.ActiveMessageCount("big");
            Exception? error = await Record.ExceptionAsync(() => link.SendMessageAsync(
                AmqpMessage.Create(new Data { Value = new ArraySegment<byte>(new byte[300 * 1024]) }),
                new ArraySegment<byte>(Guid.NewGuid().ToByteArray()), AmqpConstants.NullBinary, Timeout));

            // The AMQP library under the broker enforces the advertised max-message-size while the transfer
            // arrives and detaches the link with amqp:link:message-size-exceeded.
            AmqpException amqp = Assert.IsType<AmqpException>(error is AmqpException ? error : error?.InnerException);
            Assert.Equal(AmqpErrorCode.MessageSizeExceeded, amqp.Error.Condition);
            Assert.Contains("262144", amqp.Message, StringComparison.Ordinal);
            Assert.Equal(before, fixture.Bus.ActiveMessageCount("big"));
        }
        finally
        {
            await connection.CloseAsync(Timeout);
        }
    }

    [Fact]
    public async Task Drain_SendsAvailableMessagesThenAnswersWithZeroCredit()
    {
        await using (Azure.Messaging.ServiceBus.ServiceBusSender sender = fixture.Client.CreateSender("drain"))
        {
            await sender.SendMessagesAsync(new[] { new Azure.Messaging.ServiceBus.ServiceBusMessage("d1"), new Azure.Messaging.ServiceBus.ServiceBusMessage("d2") });
        }

        (AmqpConnection connection, AmqpSession session) = await ConnectAsync();
        try
        {
            var settings = new AmqpLinkSettings
            {
                LinkName = "raw-receiver",
                Role = true,
                Source = new Source { Address = "drain" },
                Target = new Target { Address = "raw-receiver" },
                SettleType = SettleMode.SettleOnDispose,
                TotalLinkCredit = 0,
                AutoSendFlow = false,
            };
            var link = new ReceivingAmqpLink(session, settings);
            await link.OpenAsync(Timeout);
            link.IssueCredit(5, false, AmqpConstants.NullBinary);

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            await link.DrainAsyc(cts.Token); // completes only when the broker answers the drain
            Assert.Equal(0u, link.LinkCredit);

            var bodies = new List<string>();
            while (await link.ReceiveMessageAsync(TimeSpan.FromMilliseconds(200)) is { } message)
            {
                bodies.Add(System.Text.Encoding.UTF8.GetString(message.DataBody.Single().Value is ArraySegment<byte> segment ? segment.ToArray() : (byte[])message.DataBody.Single().Value));
                link.DisposeDelivery(message, true, new Accepted());
            }

            Assert.Equal(new[] { "d1", "d2" }, bodies);
            await Receive.UntilAsync(() => fixture.Bus.ActiveMessageCount("drain") == 0, TimeSpan.FromSeconds(2));
        }
        finally
        {
            await connection.CloseAsync(Timeout);
        }
    }

    private async Task<(AmqpConnection, AmqpSession)> ConnectAsync()
    {
        var settings = new AmqpSettings();
        var sasl = new SaslTransportProvider();
        sasl.Versions.Add(new AmqpVersion(1, 0, 0));
        sasl.AddHandler(new SaslAnonymousHandler("MSSBCBS"));
        settings.TransportProviders.Add(sasl);
        var amqp = new AmqpTransportProvider();
        amqp.Versions.Add(new AmqpVersion(1, 0, 0));
        settings.TransportProviders.Add(amqp);

        var initiator = new AmqpTransportInitiator(settings, new TcpTransportSettings { Host = "127.0.0.1", Port = fixture.Bus.Port });
        TransportBase transport = await initiator.ConnectTaskAsync(Timeout);
        var connection = new AmqpConnection(transport, settings, new AmqpConnectionSettings { ContainerId = "raw-test", HostName = "127.0.0.1" });
        await connection.OpenAsync(Timeout);
        AmqpSession session = connection.CreateSession(new AmqpSessionSettings());
        await session.OpenAsync(Timeout);
        return (connection, session);
    }
}
