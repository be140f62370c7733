/** How far the gateway may reach when it delivers webhooks. */
export interface WebhookSettings {
  /**
   * `WEBHOOK_ALLOW_PRIVATE_URLS=true`: targets may be plain http and may resolve to loopback, private,
   * link-local or metadata addresses (tests, intranet installs). Off by default.
   */
  allowPrivateUrls: boolean;
}
