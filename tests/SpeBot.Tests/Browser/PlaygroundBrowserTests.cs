using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SpeBot.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace SpeBot.Tests.Browser;

/// <summary>The playground in Debian's Chromium: what a person does goes signed through /slack/events and back as Block Kit.</summary>
[Trait("Category", "Browser")]
public sealed class PlaygroundBrowserTests : BrowserHost
{
    private static ILocator Card(IPage page, string title) =>
        page.Locator(".msg:not(.ephemeral)").Filter(new() { HasText = title }).Filter(new() { Has = page.Locator(".bk-actions") });

    private static Task AsAsync(IPage page, string name) => page.Locator("button.person", new() { HasText = name }).ClickAsync();

    private static async Task TypeAsync(IPage page, string text)
    {
        await page.GetByRole(AriaRole.Textbox).Last.FillAsync(text);
        await page.GetByRole(AriaRole.Textbox).Last.PressAsync("Enter");
    }

    [Fact]
    public async Task Propose_two_votes_claim_and_done_with_evidence_round_trip_shows_on_the_card()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/playground");
        await Expect(page.Locator(".banner")).ToContainTextAsync("Local playground");

        await AsAsync(page, "Aiko");
        await TypeAsync(page, "/spe propose Rotate the TLS certificates #security");
        await Expect(page.Locator(".msg.ephemeral").Filter(new() { HasText = "Proposed SPE-1" })).ToBeVisibleAsync();
        var card = Card(page, "Rotate the TLS certificates");
        await Expect(card).ToContainTextAsync("0 votes");
        await Expect(card.Locator("button.bk-button.primary")).ToBeVisibleAsync();

        // Two people vote with 👍; each counts once.
        await card.Locator("button[data-add='+1']").ClickAsync();
        await Expect(card).ToContainTextAsync("1 vote");
        await AsAsync(page, "Ben");
        await Expect(page.Locator("button.person[aria-pressed='true']")).ToHaveTextAsync("Ben");
        await card.Locator("button[data-add='+1']").ClickAsync();
        await Expect(card).ToContainTextAsync("2 votes");
        await Expect(card.Locator("button.reaction[data-name='+1']")).ToContainTextAsync("2");
        Assert.Equal(2L, Query<long>("SELECT COUNT(*) FROM votes").Single());

        // Ben claims with the card's button, then finishes with the evidence form.
        await card.GetByRole(AriaRole.Button, new() { Name = "Claim" }).ClickAsync();
        await Expect(card).ToContainTextAsync("In progress");
        await TypeAsync(page, "/spe done SPE-1");
        var modal = page.GetByRole(AriaRole.Dialog);
        await Expect(modal).ToContainTextAsync("Done: before / after");
        await modal.Locator("[data-input-block='metric']").FillAsync("handshake p99");
        await modal.Locator("[data-input-block='before']").FillAsync("800 ms");
        await modal.Locator("[data-input-block='after']").FillAsync("120 ms");
        await ShotAsync(page, "playground-evidence-form");
        await modal.GetByRole(AriaRole.Button, new() { Name = "Mark done" }).ClickAsync();
        await Expect(modal).ToBeHiddenAsync();
        await Expect(card).ToContainTextAsync("Done");
        Assert.Equal("done", Query<string>("SELECT status FROM items").Single());
        Assert.Equal("handshake p99: 800 ms → 120 ms", Query<string>("SELECT evidence FROM items").Single());
        await ShotAsync(page, "playground-round-trip");
    }

    [Fact]
    public async Task A_modal_shows_a_validation_error_on_its_field_and_keeps_what_was_typed()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/playground?user=U0BEN");
        await TypeAsync(page, "/spe propose");
        var modal = page.GetByRole(AriaRole.Dialog);
        await Expect(modal.Locator("[data-input-block='title']")).ToBeVisibleAsync();
        await modal.Locator("[data-input-block='title']").FillAsync("   ");
        await modal.Locator("[data-input-block='detail']").FillAsync("Cipher suites from 2015");
        await modal.Locator("button.submit").ClickAsync();

        var titleBlock = modal.Locator(".bk-block[data-block-id='title']");
        await Expect(titleBlock.Locator(".bk-error")).ToHaveTextAsync("A title is needed.");
        await Expect(modal.Locator("[data-input-block='detail']")).ToHaveValueAsync("Cipher suites from 2015");
        await ShotAsync(page, "playground-modal-error");
        Assert.Equal(0L, Query<long>("SELECT COUNT(*) FROM items").Single());

        await modal.Locator("[data-input-block='title']").FillAsync("Drop TLS 1.0");
        await modal.Locator("button.submit").ClickAsync();
        await Expect(modal).ToBeHiddenAsync();
        await Expect(Card(page, "Drop TLS 1.0")).ToContainTextAsync("SPE-1");
    }

    [Fact]
    public async Task Removing_a_reaction_retracts_the_vote_and_the_overflow_menu_accepts_for_a_maintainer()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/playground?user=U0AIKO");
        await TypeAsync(page, "/spe propose Move CI to faster runners #productivity");
        var card = Card(page, "Move CI to faster runners");
        await Expect(card).ToContainTextAsync("0 votes");
        await card.Locator("button[data-add='+1']").ClickAsync();
        await Expect(card).ToContainTextAsync("1 vote");
        await card.Locator("button.reaction[data-name='+1']").ClickAsync();
        await Expect(card).ToContainTextAsync("0 votes");
        await Expect(card.Locator("button.reaction[data-name='+1']")).ToHaveCountAsync(0);
        Assert.Equal(0L, Query<long>("SELECT COUNT(*) FROM votes").Single());

        await card.Locator(".bk-overflow > button").ClickAsync();
        await card.GetByRole(AriaRole.Menuitem, new() { Name = "Accept" }).ClickAsync();
        await Expect(card).ToContainTextAsync("Accepted");

        // App Home and the digest render too.
        await page.GetByRole(AriaRole.Button, new() { Name = "App Home" }).ClickAsync();
        await Expect(page.Locator(".pane .bk-header").First).ToBeVisibleAsync();
        await ShotAsync(page, "playground-home");
        await page.Locator("button.tab[data-tab='channel']").ClickAsync();
        await TypeAsync(page, "/spe digest now");
        var digest = page.Locator(".pane > .msg:not(.ephemeral)").Filter(new() { HasText = "SPE digest" });
        await Expect(digest.Locator(".bk-header").First).ToBeVisibleAsync();
        // Its details are a thread reply, shown under it as Slack shows threads.
        await Expect(digest.Locator(".thread .msg")).ToContainTextAsync("Top open items");
        await ShotAsync(page, "playground-digest");
        await Expect(page.Locator(".bk-unknown")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_message_in_the_dm_tab_reaches_spebot_as_a_direct_message_and_is_answered_there()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/playground?user=U0CHIE");
        await page.Locator("button.tab[data-tab='dms']").ClickAsync();
        await TypeAsync(page, "propose DM で提案する #toil");
        var answer = page.Locator(".pane .msg[data-user='U0SPEBOT']");
        await Expect(answer.First).ToContainTextAsync("SPE-1");
        Assert.Equal("DM で提案する", Query<string>("SELECT title FROM items").Single());
        await ShotAsync(page, "playground-dm");
    }
}
