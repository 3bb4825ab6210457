/**
 * The saga's tasks publish on their own service's bus, looked up in the saga's catalog and
 * environments (the event client itself carries no configuration). Environment and service come
 * from APP_ENVIRONMENT and APP_SERVICE, which every task definition sets.
 */
import { bookingSaga } from '../../catalog/booking-saga';
import { environments } from '../../environments';
import { EventPublisher } from '../../event-client';

export const sagaPublisher = (): EventPublisher => new EventPublisher({ catalog: bookingSaga, environments });
