//! The limits the client keeps against a server, whatever it sends: a server that misbehaves (by
//! bug, through a broken proxy, or on purpose) cannot keep a sync busy without end or make it
//! hold more than a bounded amount of memory. Breaking one is [`crate::RemoteError::Misbehaved`]:
//! the server's fault, never tried again, and the sync that met it changes nothing in the cache.
//!
//! The numbers are far above what the Partner Project API serves (the largest demo reply is a
//! few KiB, a full page of the change feed about 100 KiB), and low enough that the worst a server
//! can do stays within tens of MiB and a few minutes.

use std::time::Duration;

/// The longest one reply may take, from sending the request to the last byte of its body
/// (retries are separate tries, each with its own deadline). API replies are small: even the
/// largest allowed icon ([`MAX_ICON_BYTES`]) arrives in this time at about 2 Mbit/s, while a
/// reply that drips a byte every few seconds, or never ends, is cut here.
pub const REPLY_DEADLINE: Duration = Duration::from_secs(30);

/// The longest a whole sync (its push and its pull, every request, retry and wait between
/// retries) may take. The desktop app holds its server connection for a whole sync, so sign-in
/// and sign-out wait for it: this is the most they can wait. A full pull of a large partner
/// (hundreds of versions and icons) takes well under a minute.
pub const SYNC_DEADLINE: Duration = Duration::from_secs(10 * 60);

/// The largest JSON reply read (a page of a collection, of the change feed, one resource); a
/// bigger one is refused rather than held in memory. A full page of the feed is about 100 KiB.
pub const MAX_JSON_BYTES: usize = 32 * 1024 * 1024;

/// The largest version reply read (a version with its content; icons are fetched apart).
pub const MAX_VERSION_BYTES: usize = 4 * 1024 * 1024;

/// The largest icon read. Marketplace icons are far smaller; the rules pack sets the real limit,
/// and the window shows an icon only once the icon rules' header and decode limits pass.
pub const MAX_ICON_BYTES: usize = 8 * 1024 * 1024;

/// The largest rules pack read. The shipped pack is about 12 KiB.
pub const MAX_RULES_BYTES: usize = 1024 * 1024;

/// The largest reply of one installation, OAuth client or the account: each is a few hundred
/// bytes, so anything near this is not one.
pub const MAX_RESOURCE_BYTES: usize = 256 * 1024;

/// The largest reply of the authorization server (its metadata, a device code, tokens, an OAuth
/// error): each is well under 4 KiB. Read through the same capped reader as every other reply.
pub const MAX_OAUTH_BYTES: usize = 64 * 1024;

/// The most pages one collection (`_links.next`) is followed through. With the server's page
/// sizes (20 and more) that is 20,000 items and more; a longer chain is a server that loops.
pub const MAX_COLLECTION_PAGES: usize = 1_000;

/// The most items gathered from one collection across its pages: far more apps, versions of one
/// app, installations of one app or OAuth clients than a partner has.
pub const MAX_COLLECTION_ITEMS: usize = 100_000;

/// The most bytes read for one collection across its pages: the items are all held in memory
/// until the collection ends, so their total is bounded, not only each page.
pub const MAX_COLLECTION_BYTES: usize = 64 * 1024 * 1024;

/// The most pages of the change feed one sync reads. A page holds up to
/// [`partner_api::MAX_CHANGES_PER_PAGE`] (500) changes, so this is [`MAX_FEED_CHANGES`] at full
/// pages; a real feed that long would be a cache behind by months, which the server answers by
/// refusing the cursor (a full pull follows).
pub const MAX_FEED_PAGES: usize = 200;

/// The most changes one sync reads from the feed (they are all held until they land together
/// with the new cursor, in one transaction).
pub const MAX_FEED_CHANGES: usize = 100_000;

/// The most bytes of the change feed one sync reads, across its pages.
pub const MAX_FEED_BYTES: usize = 64 * 1024 * 1024;
