import { addErrorCategories, CATEGORY_CURSOR, nextErrorsForCategories } from '../storage/categories-repo';
import { categoriesOf } from './error-categories';
import { ZipPass, type ZipPassDeps } from './zip-pass';

/**
 * Once after the upgrade that keeps categories per unique error (migration 17): errors
 * stored before get theirs from the report.json of their oldest stored report (the error
 * key fixes the texts, so every report of it has the same chain). A background pass over
 * the zips (zip-pass.ts); until it reaches an error, the category filter does not find it.
 * An error whose reports are all gone (retention) keeps no categories.
 */
export class CategoryBackfill extends ZipPass<{ id: number; zip_name: string | null }, string[]> {
  constructor(deps: ZipPassDeps) {
    super(deps, {
      label: 'категории сохранённых ошибок',
      cursorKey: CATEGORY_CURSOR,
      next: nextErrorsForCategories,
      learn: (read) => {
        const categories = categoriesOf(read.report);
        return categories.length > 0 ? categories : undefined;
      },
      save: (db, row, categories) => addErrorCategories(db, row.id, categories),
    });
  }
}
