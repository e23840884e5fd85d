import { Job, type JobJson, type JobsOptions, type Queue } from 'bullmq';

/**
 * A BullMQ job whose data is JSON written beforehand. BullMQ would JSON.stringify the data when adding the job;
 * for an inbox batch that re-serialises every payload the ingress has just parsed, about 7 % of its CPU per request.
 * It relies on Job.addJob taking the data from asJSON(): the producer tests read the batches back, and fail if a
 * BullMQ upgrade stops doing so.
 */
export class PreserializedJob extends Job {
  constructor(
    queue: Queue,
    name: string,
    private readonly dataJson: string,
    opts: JobsOptions,
    id: string,
  ) {
    super(queue, name, undefined, opts, id);
  }

  override asJSON(): JobJson {
    return { ...super.asJSON(), data: this.dataJson };
  }
}
