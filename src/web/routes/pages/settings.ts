import type Router from '@koa/router';
import { emptyVersionRefusals, firstInvalidField, formOf, readSettingsForm } from '../../pages/settings-form';
import { boundsFormOf } from '../../pages/settings-form-bounds';
import type { StaffDeps } from '../staff';

/**
 * s/settings: the acceptance rules, the key rules and the texts. Everyone with access
 * reads them; administrators get the form. Saving validates, stores durably and applies
 * at once (getInfo and pushReport read the new rules on their next request).
 */
export function settingsRoutes(router: Router, { app, pages, flash }: StaffDeps): void {
  router.get('/settings', async (ctx) => {
    const settings = app.settings.get();
    const form = (await app.access.isAdmin(ctx)) ? formOf(settings) : undefined;
    const emptyVersions = emptyVersionRefusals(settings, app.refusals);
    await pages.render(ctx, 'settings.njk', 'settings', { settings, form, emptyVersions, bounds: boundsFormOf(settings), saved: flash.take(ctx) === 'settings-saved' });
  });

  router.post('/settings', app.access.requireAdmin, async (ctx) => {
    const reading = readSettingsForm((ctx.request.body ?? {}) as Record<string, unknown>);
    if (!reading.ok) {
      const settings = app.settings.get();
      const emptyVersions = emptyVersionRefusals(settings, app.refusals);
      await pages.render(ctx, 'settings.njk', 'settings', { settings, form: reading.form, emptyVersions, invalid: true, firstInvalid: firstInvalidField(reading.form) }, 400);
      return;
    }
    await app.settings.update(reading.settings);
    app.log.info(`настройки изменены: конфигураций ${reading.settings.configurations.length}`);
    // No "?saved=1" in the address: the message is shown once, not on every reload.
    flash.leave(ctx, `${ctx.state.base}s/settings`, 'settings-saved');
    ctx.redirect(`${ctx.state.base}s/settings`);
    ctx.status = 303;
  });
}
