// Categories, and the guarded count of products filed under each (why: see `products` in model.ts).
import type { Types } from 'mongoose';
import type { Category, CreateCategoryInput, UpdateCategoryInput } from '@xiaodian/shared';
import type { Models } from '../../collections';
import { badRequest, conflict, notFound } from '../../errors';
import { writeAudit } from '../staff/audit';
import { toCategory } from './dto';
import type { CategoryDoc } from './model';

/** Counts a product into a category before the product is written with it; 400 when there is no such category. */
export async function fileUnderCategory(models: Models, categoryId: Types.ObjectId | string): Promise<void> {
  const res = await models.Category.updateOne({ _id: categoryId }, { $inc: { products: 1 } });
  if (res.matchedCount !== 1) throw badRequest('categoryId: no such category', { categoryId: String(categoryId) });
}

/** Counts a product out of a category, once it no longer names it (or was never written with it). */
export async function leaveCategory(models: Models, categoryId: Types.ObjectId | string): Promise<void> {
  await models.Category.updateOne({ _id: categoryId, products: { $gt: 0 } }, { $inc: { products: -1 } });
}

export async function createCategory(models: Models, actor: string, input: CreateCategoryInput): Promise<Category> {
  const category = await models.Category.create({ name: input.name, sort: input.sort ?? 0, products: 0, createdAt: new Date() });
  await writeAudit(models, { actor, action: 'category.create', detail: `created category “${input.name}”` });
  return toCategory(category.toObject() as CategoryDoc);
}

export async function updateCategory(models: Models, actor: string, id: string, input: UpdateCategoryInput): Promise<Category> {
  const category = await models.Category.findOneAndUpdate({ _id: id }, { $set: input }, { returnDocument: 'after' }).lean<CategoryDoc>();
  if (!category) throw notFound('Category');
  await writeAudit(models, { actor, action: 'category.update', detail: `changed ${Object.keys(input).join(', ')} of “${category.name}”` });
  return toCategory(category);
}

/** Deletes an empty category; one that still has products (on shelf or not) is 409 CATEGORY_NOT_EMPTY. */
export async function deleteCategory(models: Models, actor: string, id: string): Promise<void> {
  const category = await models.Category.findOneAndDelete({ _id: id, products: 0 }).lean<CategoryDoc>();
  if (!category) {
    if (await models.Category.exists({ _id: id })) throw conflict('CATEGORY_NOT_EMPTY', 'The category still has products: move or delete them first');
    throw notFound('Category');
  }
  await writeAudit(models, { actor, action: 'category.delete', detail: `deleted category “${category.name}”` });
}
