import type Router from '@koa/router';
import { describeSettingsChanges } from '../../../registry/settings-changes';
import { emptyVersionRefusals, firstInvalidField, formOf, readSettingsForm } from '../../pages/settings-form';
import { boundsFormOf } from '../../pages/settings-form-bounds';
import type { StaffDeps } from '../staff';

/**
 * s/settings: the acceptance rules, the key rules and the texts. Everyone with access
 * reads them; administrators get the form. Saving validates, stores durably and applies
 * at once (getInfo and pushReport read the new rules on their next request). The form
 * carries the revision it was made on: a save from a tab opened before another save is
 * refused (409) with what changed, and what was typed stays in the form.
 */
export function settingsRoutes(router: Router, { app, pages, flash }: StaffDeps): void {
  router.get('/settings', async (ctx) => {
    const settings = app.settings.get();
    const form = (await app.access.isAdmin(ctx)) ? formOf(settings) : undefined;
    const emptyVersions = emptyVersionRefusals(settings, app.refusals);
    await pages.render(ctx, 'settings.njk', 'settings', { settings, form, emptyVersions, bounds: boundsFormOf(settings), rev: app.settings.revision(), saved: flash.take(ctx) === 'settings-saved' });
  });

  router.post('/settings', app.access.requireAdmin, async (ctx) => {
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const rev = typeof body.rev === 'string' ? body.rev : '';
    const reading = readSettingsForm(body);
    if (!reading.ok) {
      const settings = app.settings.get();
      const emptyVersions = emptyVersionRefusals(settings, app.refusals);
      await pages.render(ctx, 'settings.njk', 'settings', { settings, form: reading.form, emptyVersions, rev, invalid: true, firstInvalid: firstInvalidField(reading.form) }, 400);
      return;
    }
    if (!(await app.settings.updateIf(rev, reading.settings))) {
      const before = app.settings.atRevision(rev);
      const settings = app.settings.get();
      const changes = before ? describeSettingsChanges(before, settings) : [];
      const emptyVersions = emptyVersionRefusals(settings, app.refusals);
      const view = { settings, form: formOf(reading.settings), bounds: boundsFormOf(reading.settings), emptyVersions, rev: app.settings.revision(), conflict: { changes } };
      await pages.render(ctx, 'settings.njk', 'settings', view, 409);
      return;
    }
    app.log.info(`настройки изменены: конфигураций ${reading.settings.configurations.length}`);
    // No "?saved=1" in the address: the message is shown once, not on every reload.
    flash.leave(ctx, `${ctx.state.base}s/settings`, 'settings-saved');
    ctx.redirect(`${ctx.state.base}s/settings`);
    ctx.status = 303;
  });
}
