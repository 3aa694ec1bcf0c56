// The driver's own collection behind a mongoose model, typed as its documents are stored. The hot paths (orders,
// stock, payments, the session check) read and write through it where the filters and updates already hold
// values of their stored types (ObjectIds, numbers, dates): mongoose's casting, query building and hydration
// would only cost time there. Everything else goes through the models.
import type { mongo } from 'mongoose';

export function driverCollection<T extends mongo.Document>(model: { collection: unknown }): mongo.Collection<T> {
  return model.collection as mongo.Collection<T>;
}
